"""Confusion-matrix plots: DVC ``confusion`` template data, and PNGs rendered offline."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Sequence

from claimsift.labels import LABELS


def write_confusion_csv(path: Path, y_true: Sequence[str], y_pred: Sequence[str]) -> None:
    """One row per sentence (``actual,predicted``), the input DVC's ``confusion`` template wants."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["actual", "predicted"])
        writer.writerows(zip(y_true, y_pred))


def confusion_spec(y_true: Sequence[str], y_pred: Sequence[str], title: str) -> dict:
    """A self-contained Vega-Lite heatmap with counts (data inlined, no CDN needed)."""
    counts = {(a, p): 0 for a in LABELS for p in LABELS}
    for a, p in zip(y_true, y_pred):
        counts[(a, p)] += 1
    values = [{"actual": a, "predicted": p, "count": n} for (a, p), n in counts.items()]
    order = list(LABELS)
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {"values": values},
        "width": 240,
        "height": 240,
        "encoding": {
            "x": {"field": "predicted", "type": "nominal", "sort": order},
            "y": {"field": "actual", "type": "nominal", "sort": order},
        },
        "layer": [
            {"mark": "rect", "encoding": {"color": {"field": "count", "type": "quantitative", "scale": {"scheme": "blues"}}}},
            {"mark": {"type": "text", "fontSize": 14}, "encoding": {"text": {"field": "count", "type": "quantitative"}}},
        ],
    }


def render_png(spec: dict, path: Path) -> None:
    """Render a Vega-Lite spec to PNG with vl-convert (bundled Vega, works offline)."""
    import vl_convert

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(vl_convert.vegalite_to_png(vl_spec=spec, scale=2))


def write_reliability_csv(path: Path, bins: dict[str, list[dict]]) -> None:
    """Reliability-diagram data for DVC plots: ``scores,confidence,accuracy,count`` per bin."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["scores", "confidence", "accuracy", "count"])
        for name, rows in bins.items():
            writer.writerows([name, b["confidence"], b["accuracy"], b["count"]] for b in rows if b["count"])


def reliability_spec(bins: dict[str, list[dict]], title: str) -> dict:
    """Vega-Lite reliability diagram: accuracy against confidence per bin, one line per score
    kind (calibrated / uncalibrated), point size by count, the diagonal for reference."""
    values = [{"scores": name, "confidence": b["confidence"], "accuracy": b["accuracy"], "count": b["count"]}
              for name, rows in bins.items() for b in rows if b["count"]]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 300,
        "height": 300,
        "layer": [
            {"data": {"values": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]}, "mark": {"type": "line", "color": "#999", "strokeDash": [4, 4]},
             "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}},
            {"data": {"values": values}, "mark": {"type": "line", "point": True},
             "encoding": {
                 "x": {"field": "confidence", "type": "quantitative", "scale": {"domain": [0, 1]}, "title": "mean confidence in bin"},
                 "y": {"field": "accuracy", "type": "quantitative", "scale": {"domain": [0, 1]}, "title": "accuracy in bin"},
                 "color": {"field": "scores", "type": "nominal"},
                 "size": {"field": "count", "type": "quantitative"}}},
        ],
    }
