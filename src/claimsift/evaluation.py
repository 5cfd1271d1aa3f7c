"""Classification metrics in the shape of ``reports/metrics.json``."""

from __future__ import annotations

from typing import Sequence

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from claimsift.labels import LABELS


def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    """Accuracy, macro-F1 and per-class precision/recall/F1/support, rounded to 4 decimals.

    Args:
        y_true, y_pred: label names of the same length (non-empty).
    """
    if len(y_true) != len(y_pred) or not y_true:
        raise ValueError("y_true and y_pred must be non-empty and of equal length")
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(LABELS), zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=list(LABELS), average="macro", zero_division=0)), 4),
        "per_class": {
            label: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, label in enumerate(LABELS)
        },
    }


def confusion(y_true: Sequence[str], y_pred: Sequence[str]) -> list[list[int]]:
    """Confusion matrix, rows = actual, columns = predicted, in ``LABELS`` order."""
    return confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist()


def bootstrap_macro_f1_ci(
    y_true: Sequence[str], y_pred: Sequence[str], groups: Sequence[str], n_boot: int = 1000, seed: int = 0
) -> tuple[list[float], str]:
    """Bootstrap 95% interval of macro-F1, resampling documents (or sentences for one document).

    Args:
        y_true, y_pred: label names per sentence.
        groups: the document of each sentence. With two or more documents whole documents are
            resampled (sentences of one article are not independent); with one, sentences are.
        n_boot: resamples (default 1000); seed: the random seed (from ``params.yaml``).

    Returns:
        ``([low, high], unit)`` with unit ``"documents"`` or ``"sentences"``.
    """
    import numpy as np

    labels = list(LABELS)
    t = np.array([labels.index(y) for y in y_true])
    p = np.array([labels.index(y) for y in y_pred])
    docs = sorted(set(groups))
    unit = "documents" if len(docs) > 1 else "sentences"
    members = [np.flatnonzero(np.array(groups) == d) for d in docs] if unit == "documents" else [
        np.array([i]) for i in range(len(t))]
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(n_boot):
        idx = np.concatenate([members[i] for i in rng.integers(0, len(members), len(members))])
        scores.append(f1_score(t[idx], p[idx], labels=[0, 1, 2], average="macro", zero_division=0))
    low, high = np.percentile(scores, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)], unit
