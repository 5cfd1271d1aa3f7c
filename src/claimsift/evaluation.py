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
