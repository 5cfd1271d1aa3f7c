"""Helpers the training and evaluation stages share."""

from __future__ import annotations

from pathlib import Path

from claimsift.records import read_jsonl


def labelled_sentences(path: Path, split: str) -> list[dict]:
    """Body segments of ``split`` that carry a gold label, in file order."""
    return [r for r in read_jsonl(path) if r["body"] and r["label"] is not None and r["split"] == split]
