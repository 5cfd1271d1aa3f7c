"""Gold annotations as stand-off spans, and their alignment to segments.

Each document's gold labels live in ``data/annotations/<doc>.jsonl``, one span a line:
``{"doc": str, "start": int, "end": int, "label": str}`` with character offsets into the raw
text. Spans survive changes of the sentence splitter: the label stage aligns them to whatever
segments the splitter produces, by character overlap.
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from claimsift.labels import LABEL2ID, LABELS

class AnnotationError(ValueError):
    """A malformed or inconsistent annotation; the message names the file and line."""

@dataclass(frozen=True)
class Span:
    """A gold label on ``[start, end)`` of document ``doc``; ``source`` is ``file:line``."""

    doc: str
    start: int
    end: int
    label: str
    source: str = ""

def load_spans(path: Path, text_length: int | None = None) -> list[Span]:
    """Read and validate one annotation file.

    Args:
        path: a JSONL file of spans.
        text_length: length of the raw text the spans index, to check bounds (optional).

    Raises:
        AnnotationError: bad JSON, missing or mistyped fields, unknown label, out-of-range or
            overlapping spans; the message names ``path`` and the line.
    """
    spans: list[Span] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise AnnotationError(f"{path}: not UTF-8 ({exc.reason})") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnnotationError(f"{where}: invalid JSON ({exc.msg})") from None
        if not isinstance(rec, dict):
            raise AnnotationError(f"{where}: expected a JSON object")
        for key, typ in (("doc", str), ("start", int), ("end", int), ("label", str)):
            if not isinstance(rec.get(key), typ) or isinstance(rec.get(key), bool):
                raise AnnotationError(f"{where}: field {key!r} missing or not {typ.__name__}")
        if rec["label"] not in LABEL2ID:
            raise AnnotationError(f"{where}: unknown label {rec['label']!r} (known: {', '.join(LABELS)})")
        if not 0 <= rec["start"] < rec["end"]:
            raise AnnotationError(f"{where}: bad span [{rec['start']}, {rec['end']})")
        if text_length is not None and rec["end"] > text_length:
            raise AnnotationError(f"{where}: span end {rec['end']} beyond document length {text_length}")
        spans.append(Span(rec["doc"], rec["start"], rec["end"], rec["label"], where))
    ordered = sorted(spans, key=lambda s: (s.doc, s.start))
    for prev, cur in zip(ordered, ordered[1:]):
        if prev.doc == cur.doc and cur.start < prev.end:
            raise AnnotationError(f"{cur.source}: span overlaps the span at {prev.source}")
    return spans

def align_spans(segments: Sequence, spans: Iterable[Span]) -> list[str | None]:
    """Give each segment the label of the gold span that covers most of its characters.

    Args:
        segments: objects with ``start``, ``end`` and ``body`` of one document, in order.
        spans: that document's gold spans.

    Returns:
        One label (or ``None`` where no span overlaps) per segment. Non-body segments get ``None``.

    Raises:
        AnnotationError: a span overlaps no body segment (it names the span's file and line).
    """
    overlap: list[dict[str, int]] = [defaultdict(int) for _ in segments]
    starts = [s.start for s in segments]

    for span in spans:
        hit = False
        i = max(bisect.bisect_right(starts, span.start) - 1, 0)
        while i < len(segments) and segments[i].start < span.end:
            seg = segments[i]
            shared = min(seg.end, span.end) - max(seg.start, span.start)
            if shared > 0 and seg.body:
                overlap[i][span.label] += shared
                hit = True
            i += 1
        if not hit:
            raise AnnotationError(
                f"{span.source}: span [{span.start}, {span.end}) ({span.label}) matches no body sentence"
            )
    labels: list[str | None] = []
    for counts in overlap:
        # Ties go to the label order in LABELS, so the result never depends on dict order.
        labels.append(max(LABELS, key=lambda lab: counts.get(lab, 0)) if counts else None)
    return labels


def document_lengths(raw_dir: Path) -> dict[str, int]:
    """Length of each raw document's text as the split stage reads it (doc id = file stem)."""
    from claimsift.reader import read_document

    lengths: dict[str, int] = {}
    for path in sorted(p for p in Path(raw_dir).iterdir() if p.is_file() and not p.name.startswith(".")):
        for doc in read_document(path):
            lengths[doc.doc_id] = len(doc.text)
    return lengths


def load_document_spans(ann_dir: Path, doc: str, text_length: int | None) -> list[Span]:
    """The spans of document ``doc``: its file must exist, hold at least one span, name ``doc``
    in every line, and keep every span inside the text (``text_length``).

    Raises:
        AnnotationError: naming the file (and line).
    """
    path = Path(ann_dir) / f"{doc}.jsonl"
    if not path.is_file():
        raise AnnotationError(f"{path}: no annotations for document {doc}")
    spans = load_spans(path, text_length)
    if not spans:
        raise AnnotationError(f"{path}: annotation file of document {doc} is empty")
    for span in spans:
        if span.doc != doc:
            raise AnnotationError(f"{span.source}: span names document {span.doc!r}, file is for {doc!r}")
    return spans


def label_counts(doc: str, records: Sequence[dict]) -> dict:
    """Per-document counts for review: each label, unlabelled body sentences, labelled share."""
    body = [r for r in records if r["doc"] == doc and r["body"]]
    counts = {label: sum(1 for r in body if r["label"] == label) for label in LABELS}
    labelled = sum(counts.values())
    return {**counts, "unlabelled": len(body) - labelled,
            "labelled_share": round(labelled / len(body), 4) if body else 0.0}
