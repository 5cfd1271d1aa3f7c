"""Stage ``label``: align gold spans to segments, assign document splits, check for leakage.

Writes the labelled segments (every segment, with ``label`` and ``split``) and
``reports/labels.json`` (counts per label, split and genre).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Sequence

from claimsift.annotations import AnnotationError, align_spans, document_lengths, label_counts, load_document_spans
from claimsift.labels import LABELS
from claimsift.records import load_params, read_jsonl, write_json, write_jsonl
from claimsift.stages.common import segments_by_doc
from claimsift.splits import SPLITS, LeakageError, assign_splits, check_no_leakage


def read_metadata_file(path: Path) -> dict[str, dict]:
    """doc id -> metadata record from ``data/documents.jsonl`` (each needs ``id`` and ``genre``)."""
    meta = {}
    for i, rec in enumerate(read_jsonl(path), 1):
        if "id" not in rec or "genre" not in rec:
            raise AnnotationError(f"{path}:{i}: metadata needs 'id' and 'genre'")
        meta[rec["id"]] = rec
    return meta


def is_real(meta: dict) -> bool:
    """A real (not written-for-project) document: ``written_for_project`` is false."""
    return meta.get("written_for_project") is False


def apply_markup(record: dict, non_body: Sequence[Sequence]) -> dict:
    """Mark a body segment non-body when it lies inside a ``[start, end, reason]`` span that the
    source's own markup gives as non-body (GUM headings and captions, ``documents.jsonl``).

    Raises:
        AnnotationError: such a segment carries a gold label (remove the label first, in a
            commit that lists it: a label is never dropped silently).
    """
    if not record["body"]:
        return record
    for start, end, reason in non_body:
        if start <= record["start"] and record["end"] <= end:
            if record["label"] is not None:
                raise AnnotationError(f"{record['doc']}: segment {record['index']} is a {reason} in the source's "
                                      f"markup but labelled {record['label']!r}")
            return {**record, "body": False, "reason": reason}
    return record


def label_corpus(segments_path: Path, ann_dir: Path, metadata_path: Path, params: dict) -> tuple[list[dict], dict]:
    """Return (labelled segment records, label report). Raises AnnotationError / LeakageError."""
    by_doc = segments_by_doc(segments_path)
    meta = read_metadata_file(metadata_path)
    missing = sorted(set(by_doc) - set(meta))
    if missing:
        raise AnnotationError(f"{metadata_path}: no metadata for document(s) {', '.join(missing)}")
    forced = list(params.get("test_docs", []))
    real = {doc for doc in by_doc if is_real(meta[doc]) and doc not in forced}
    # Written documents keep their own genre-stratified split; real ones are split apart,
    # stratified by source, with a larger test share so the real test split can carry the headline.
    doc_splits = assign_splits(
        {doc: meta[doc]["genre"] for doc in by_doc if doc not in real},
        seed=int(params["seed"]),
        dev_fraction=float(params["dev_fraction"]),
        test_fraction=float(params["test_fraction"]),
        test_docs=forced,
    )
    doc_splits.update(assign_splits(
        {doc: meta[doc].get("source", "real") for doc in real},
        seed=int(params["seed"]),
        dev_fraction=float(params.get("real_dev_fraction", params["dev_fraction"])),
        test_fraction=float(params.get("real_test_fraction", params["test_fraction"])),
    ))
    # Every listed document needs a non-empty annotation file, and every span must lie inside its
    # document's text (read from raw_dir, as the split stage reads it).
    lengths = document_lengths(Path(params["raw_dir"])) if params.get("raw_dir") else {}
    for doc in sorted(meta):
        if doc not in by_doc:
            load_document_spans(ann_dir, doc, lengths.get(doc))
    records = []
    for doc in sorted(by_doc):
        spans = load_document_spans(ann_dir, doc, lengths.get(doc))
        segments = by_doc[doc]
        origin = "seed" if doc in forced else "real" if doc in real else "written"
        for seg, label in zip(segments, align_spans(segments, spans)):
            records.append(apply_markup({**seg.to_dict(), "label": label, "split": doc_splits[doc],
                                         "genre": meta[doc]["genre"], "origin": origin,
                                         "source": meta[doc]["source"] if origin == "real" else origin},
                                        meta[doc].get("non_body", ())))
    check_labelled_share(records, sorted(by_doc), float(params.get("min_labelled_share", 0.0)))
    labelled = [r for r in records if r["body"] and r["label"] is not None]
    check_no_leakage(doc_splits, labelled, threshold=float(params["leak_threshold"]))
    return records, label_report(records, doc_splits, meta)


def check_labelled_share(records: list[dict], docs: list[str], minimum: float) -> None:
    """Fail when a document's labelled share of body sentences is below ``minimum`` (a deleted
    annotation line leaves its sentence unlabelled)."""
    for doc in docs:
        counts = label_counts(doc, records)
        if counts["labelled_share"] < minimum:
            raise AnnotationError(f"{doc}: only {counts['labelled_share']:.0%} of its body sentences are labelled "
                                  f"({counts['unlabelled']} unlabelled; min_labelled_share is {minimum}); "
                                  f"an annotation line missing?")


def label_report(records: list[dict], doc_splits: dict[str, str], meta: dict[str, dict]) -> dict:
    """Counts per label and split, per genre, plus unlabelled and non-body counts."""
    body = [r for r in records if r["body"]]
    labelled = [r for r in body if r["label"] is not None]
    per_split = {
        split: {
            "documents": sum(1 for s in doc_splits.values() if s == split),
            **{label: sum(1 for r in labelled if r["split"] == split and r["label"] == label) for label in LABELS},
            "total": sum(1 for r in labelled if r["split"] == split),
        }
        for split in SPLITS
    }
    counts = Counter(r["label"] for r in labelled)
    origins = {
        origin: {
            split: {
                "documents": len({r["doc"] for r in body if r["origin"] == origin and r["split"] == split}),
                "total": sum(1 for r in labelled if r["origin"] == origin and r["split"] == split),
                **{label: sum(1 for r in labelled if r["origin"] == origin and r["split"] == split
                              and r["label"] == label) for label in LABELS},
            }
            for split in SPLITS
        }
        for origin in sorted({r["origin"] for r in records})
    }
    sources = Counter(r["source"] for r in labelled)
    genres = sorted({meta[d]["genre"] for d in doc_splits})
    return {
        "documents": len(doc_splits),
        "body_sentences": len(labelled),
        "unlabelled_body_sentences": len(body) - len(labelled),
        "non_body_segments": len(records) - len(body),
        "labels": {label: counts[label] for label in LABELS},
        "label_share": {label: round(counts[label] / max(len(labelled), 1), 4) for label in LABELS},
        "splits": per_split,
        "origins": origins,
        "unlabelled_by_origin": dict(sorted(Counter(r["origin"] for r in body if r["label"] is None).items())),
        "sources": dict(sorted(sources.items())),
        "genres": {
            g: {
                "documents": sum(1 for d in doc_splits if meta[d]["genre"] == g),
                "body_sentences": sum(1 for r in labelled if r["genre"] == g),
            }
            for g in genres
        },
        "per_document": {doc: label_counts(doc, records) for doc in sorted(doc_splits)},
    }


def main() -> None:
    params = load_params("label")
    try:
        records, report = label_corpus(
            Path(params["segments"]), Path(params["annotations_dir"]), Path(params["metadata"]), params
        )
    except (AnnotationError, LeakageError) as exc:
        sys.exit(f"label: {exc}")
    write_jsonl(Path(params["out"]), records)
    write_json(Path(params["report"]), report)
    print(f"label: {report['body_sentences']} labelled body sentences, splits {report['splits']}")


if __name__ == "__main__":
    main()
