"""Temperature scaling and calibration error.

A model's probabilities ``p`` are rescaled as ``softmax(log p / T)``, which equals
``softmax(logits / T)`` for a softmax model, so one temperature ``T`` fitted on the real dev split
serves both the transformer and TF-IDF (Guo et al., 2017). ``T > 1`` softens over-confident scores.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["apply_temperature", "fit_temperature", "expected_calibration_error", "reliability_bins"]

_EPS = 1e-12


def apply_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Rescale probability rows by ``temperature`` (1.0 leaves them as they are)."""
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 1.0 or probs.size == 0:
        return probs.astype(np.float32)
    logits = np.log(np.clip(probs, _EPS, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    return (out / out.sum(axis=1, keepdims=True)).astype(np.float32)


def _nll(probs: np.ndarray, y: np.ndarray) -> float:
    return float(-np.log(np.clip(probs[np.arange(len(y)), y], _EPS, 1.0)).mean())


def fit_temperature(probs: np.ndarray, y: Sequence[int], grid: np.ndarray | None = None) -> float:
    """The temperature that minimises negative log-likelihood of ``y`` (label ids).

    Args:
        probs: ``(n, k)`` probabilities on held-out data (the real dev split).
        y: gold label ids, length ``n``.
        grid: candidate temperatures (default 0.5 to 10 on a log scale, 400 points); a grid
            search is deterministic and cannot diverge on small dev sets.
    """
    y = np.asarray(y, dtype=int)
    if len(y) == 0:
        return 1.0
    grid = np.geomspace(0.5, 10.0, 400) if grid is None else grid
    losses = [_nll(apply_temperature(probs, float(t)), y) for t in grid]
    return round(float(grid[int(np.argmin(losses))]), 4)


def reliability_bins(probs: np.ndarray, y: Sequence[int], n_bins: int = 15) -> list[dict]:
    """Per confidence bin: ``lo``, ``hi``, ``count``, mean ``confidence`` and ``accuracy``."""
    probs = np.asarray(probs)
    y = np.asarray(y, dtype=int)
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = []
    for i in range(n_bins):
        mask = (conf > edges[i]) & (conf <= edges[i + 1]) if i else (conf >= 0) & (conf <= edges[1])
        n = int(mask.sum())
        bins.append({"lo": round(float(edges[i]), 4), "hi": round(float(edges[i + 1]), 4), "count": n,
                     "confidence": round(float(conf[mask].mean()), 4) if n else None,
                     "accuracy": round(float(correct[mask].mean()), 4) if n else None})
    return bins


def expected_calibration_error(probs: np.ndarray, y: Sequence[int], n_bins: int = 15) -> float:
    """ECE: the count-weighted mean gap between confidence and accuracy over ``n_bins`` bins."""
    bins = reliability_bins(probs, y, n_bins)
    total = sum(b["count"] for b in bins)
    if not total:
        return 0.0
    gap = sum(b["count"] * abs(b["confidence"] - b["accuracy"]) for b in bins if b["count"])
    return round(gap / total, 4)
