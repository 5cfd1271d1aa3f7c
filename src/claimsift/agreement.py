"""Inter-annotator agreement on sentences: Cohen's kappa overall and per label (one vs rest)."""

from __future__ import annotations

from typing import Sequence

from sklearn.metrics import cohen_kappa_score

from claimsift.labels import LABELS


def agreement(first: Sequence[str | None], second: Sequence[str | None]) -> dict:
    """Kappa between two label sequences over the same segments.

    Segments either annotator left unlabelled (``None``) are counted but excluded from kappa.

    Returns:
        ``{"n": int, "excluded": int, "observed_agreement": float, "kappa": float,
        "per_label": {label: {"kappa": float, "first": int, "second": int}}}``.
    """
    if len(first) != len(second):
        raise ValueError("sequences differ in length")
    pairs = [(a, b) for a, b in zip(first, second) if a is not None and b is not None]
    if not pairs:
        raise ValueError("no segment is labelled by both annotators")
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    per_label = {}
    for label in LABELS:
        x, y = [v == label for v in a], [v == label for v in b]
        per_label[label] = {
            "kappa": round(float(cohen_kappa_score(x, y)), 4) if len(set(x) | set(y)) > 1 else 1.0,
            "first": sum(x),
            "second": sum(y),
        }
    return {
        "n": len(pairs),
        "excluded": len(first) - len(pairs),
        "observed_agreement": round(sum(p == q for p, q in pairs) / len(pairs), 4),
        "kappa": round(float(cohen_kappa_score(a, b, labels=list(LABELS))), 4),
        "per_label": per_label,
    }
