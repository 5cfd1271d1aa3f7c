"""Stage ``agreement``: kappa between the first and second annotators on the double-annotated
documents, and how the adjudicated labels (``data/annotations``) relate to each.

Both annotations are aligned to the same segments, so boundary differences do not count.
"""

from __future__ import annotations

import sys
from pathlib import Path

from claimsift.agreement import agreement
from claimsift.annotations import AnnotationError, align_spans, load_spans
from claimsift.records import load_params, read_jsonl, write_json, write_jsonl
from claimsift.segment import Segment
from claimsift.stages.common import segments_by_doc


def _labels(ann_path: Path, segments: list[Segment]) -> list[str | None]:
    return align_spans(segments, load_spans(ann_path))


def compare_annotators(segments_path: Path, first_dir: Path, second_dir: Path, final_dir: Path,
                       origins: dict[str, str] | None = None) -> tuple[dict, list[dict]]:
    """Return (agreement report, disagreement records) over the documents in ``second_dir``.

    ``origins`` (doc id -> ``real`` | ``written``, default all ``written``) adds a
    ``by_origin`` section, so kappa on real documents is reported apart from written ones.
    """
    origins = origins or {}
    by_doc = segments_by_doc(segments_path)
    docs = sorted(p.stem for p in second_dir.glob("*.jsonl"))
    if not docs:
        raise AnnotationError(f"{second_dir}: no second annotations")
    first_all, second_all, final_all, disagreements, origin_all = [], [], [], [], []
    for doc in docs:
        if doc not in by_doc:
            raise AnnotationError(f"{second_dir / (doc + '.jsonl')}: no document {doc} in the corpus")
        segments = by_doc[doc]
        first = _labels(first_dir / f"{doc}.jsonl", segments)
        second = _labels(second_dir / f"{doc}.jsonl", segments)
        final = _labels(final_dir / f"{doc}.jsonl", segments)
        for seg, a, b, c in zip(segments, first, second, final):
            if seg.body:
                first_all.append(a), second_all.append(b), final_all.append(c)
                origin_all.append(origins.get(doc, "written"))
                if a != b:
                    disagreements.append({"doc": doc, "index": seg.index, "text": seg.text, "first": a, "second": b, "adjudicated": c})
    report = {
        "documents": docs,
        "first_vs_second": agreement(first_all, second_all),
        "adjudicated_vs_first": agreement(final_all, first_all),
        "adjudicated_vs_second": agreement(final_all, second_all),
        "by_origin": {
            origin: {
                "documents": sorted(d for d in docs if origins.get(d, "written") == origin),
                "first_vs_second": agreement([a for a, o in zip(first_all, origin_all) if o == origin],
                                             [b for b, o in zip(second_all, origin_all) if o == origin]),
            }
            for origin in sorted(set(origin_all))
        },
    }
    return report, disagreements


def main() -> None:
    params = load_params("agreement")
    try:
        origins = {m["id"]: "real" if m.get("written_for_project") is False else "written"
                   for m in read_jsonl(Path(params["metadata"]))}
        report, disagreements = compare_annotators(
            Path(params["segments"]), Path(params["first_dir"]), Path(params["second_dir"]), Path(params["final_dir"]),
            origins,
        )
    except AnnotationError as exc:
        sys.exit(f"agreement: {exc}")
    write_json(Path(params["report"]), report)
    write_jsonl(Path(params["disagreements"]), disagreements)
    fvs = report["first_vs_second"]
    print(f"agreement: kappa {fvs['kappa']} on {fvs['n']} sentences, {len(disagreements)} disagreements; "
          + ", ".join(f"{o} kappa {r['first_vs_second']['kappa']} (n={r['first_vs_second']['n']})"
                      for o, r in report["by_origin"].items()))


if __name__ == "__main__":
    main()
