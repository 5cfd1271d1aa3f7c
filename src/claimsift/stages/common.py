"""Helpers the training and evaluation stages share."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from claimsift.records import read_jsonl
from claimsift.segment import Segment


def labelled_sentences(path: Path, split: str) -> list[dict]:
    """Body segments of ``split`` that carry a gold label, in file order."""
    return [r for r in read_jsonl(path) if r["body"] and r["label"] is not None and r["split"] == split]


def segments_by_doc(path: Path) -> dict[str, list[Segment]]:
    """The split stage's output, as ``Segment`` objects grouped by document, in file order."""
    fields = Segment.__dataclass_fields__
    by_doc: dict[str, list[Segment]] = defaultdict(list)
    for rec in read_jsonl(path):
        by_doc[rec["doc"]].append(Segment(**{k: v for k, v in rec.items() if k in fields}))
    return dict(by_doc)
