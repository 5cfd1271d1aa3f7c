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


def training_sets(path: Path, params: dict) -> tuple[list[dict], list[dict]]:
    """(train, dev) sentences for a training stage, by ``params``.

    ``train_on``: ``both`` (default), ``written`` or ``real`` documents in the train split;
    ``real_weight``: how many times each real training sentence is repeated (oversampling the
    real part, default 1). Dev is the real dev split (model selection and calibration happen on
    real text), or the whole dev split when the corpus has no real documents.
    """
    records = [r for r in read_jsonl(path) if r["body"] and r["label"] is not None]
    train_on = params.get("train_on", "both")
    if train_on not in ("both", "written", "real"):
        raise ValueError(f"train_on must be both, written or real, not {train_on!r}")
    weight = int(params.get("real_weight", 1))
    train = []
    for r in records:
        if r["split"] != "train":
            continue
        real = r.get("origin") == "real"
        if train_on == "both" or (train_on == "real") == real:
            train.extend([r] * (weight if real else 1))
    dev = [r for r in records if r["split"] == "dev"]
    real_dev = [r for r in dev if r.get("origin") == "real"]
    return train, real_dev or dev
