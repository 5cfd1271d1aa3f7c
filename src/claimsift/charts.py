"""Vega-Lite charts for the HTML report, rendered offline to SVG with vl-convert.

Every chart colours labels with :mod:`claimsift.palette` (axis labels included) and carries a
title that names what it shows and which model.
"""

from __future__ import annotations

import base64
import html
from typing import Sequence

from claimsift.labels import LABELS
from claimsift.palette import COLORS, vega_scale

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier; nothing is fetched
MODEL_COLORS = ["#4D4D4D", "#009E73", "#56B4E9", "#D55E00"]  # models, distinct from label colours


def _label_axis(title: str) -> dict:
    """An axis whose tick labels take their label's colour."""
    expr = " : ".join(f"datum.value == '{n}' ? '{COLORS[n]}'" for n in LABELS) + " : 'black'"
    return {"title": title, "labelColor": {"expr": expr}, "labelFontWeight": "bold", "labelAngle": 0,
            "titlePadding": 10}


def _title(text: str) -> dict:
    """A chart title, broken after its last comma so it fits narrow charts."""
    head, sep, rest = text.rpartition(", ")
    return {"text": [head + sep.strip(), rest] if sep else text, "anchor": "start"}


def confusion_chart(matrix: Sequence[Sequence[int]], title: str, normalise: bool = False) -> dict:
    """Heatmap of a confusion matrix (rows actual, columns predicted, ``LABELS`` order);
    ``normalise`` divides each row by its total (recall on the diagonal)."""
    values = []
    for i, actual in enumerate(LABELS):
        total = sum(matrix[i]) or 1
        for j, predicted in enumerate(LABELS):
            v = matrix[i][j] / total if normalise else matrix[i][j]
            values.append({"actual": actual, "predicted": predicted, "value": round(v, 3)})
    fmt = ".2f" if normalise else "d"
    return {
        "$schema": SCHEMA, "title": _title(title), "data": {"values": values}, "width": 210, "height": 210,
        "encoding": {"x": {"field": "predicted", "type": "nominal", "sort": list(LABELS), "axis": _label_axis("predicted")},
                     "y": {"field": "actual", "type": "nominal", "sort": list(LABELS), "axis": _label_axis("actual")}},
        "layer": [
            {"mark": "rect", "encoding": {"color": {"field": "value", "type": "quantitative", "legend": None,
                                                    "scale": {"scheme": "greys", **({"domain": [0, 1]} if normalise else {})}}}},
            {"mark": {"type": "text", "fontSize": 14},
             "encoding": {"text": {"field": "value", "type": "quantitative", "format": fmt},
                          "color": {"condition": {"test": f"datum.value > {0.5 if normalise else max(max(r) for r in matrix) / 2}",
                                                  "value": "white"}, "value": "black"}}},
        ],
    }


def per_label_chart(per_class: dict, title: str) -> dict:
    """Grouped bars: precision, recall and F1 for each label, coloured by label."""
    values = [{"label": lab, "metric": m, "value": per_class[lab][m]} for lab in LABELS for m in ("precision", "recall", "f1")]
    return {
        "$schema": SCHEMA, "title": _title(title), "data": {"values": values}, "width": 90, "height": 160,
        "mark": "bar",
        "encoding": {
            "column": {"field": "metric", "type": "nominal", "sort": ["precision", "recall", "f1"], "title": None},
            "x": {"field": "label", "type": "nominal", "sort": list(LABELS), "axis": None},
            "y": {"field": "value", "type": "quantitative", "scale": {"domain": [0, 1]}, "title": None},
            "color": {"field": "label", "type": "nominal", "scale": vega_scale(), "title": "label"},
        },
    }


def interval_chart(rows: Sequence[dict], title: str) -> dict:
    """Macro-F1 with its 95% interval: one row per (set, model); ``rows`` carry ``set``,
    ``model``, ``macro_f1``, ``low``, ``high``."""
    enc = {"y": {"field": "set", "type": "nominal", "title": None, "sort": None},
           "yOffset": {"field": "model", "type": "nominal"},
           "color": {"field": "model", "type": "nominal", "scale": {"range": MODEL_COLORS}}}
    return {
        "$schema": SCHEMA, "title": _title(title), "data": {"values": list(rows)}, "width": 420,
        "height": {"step": 16},
        "encoding": enc,
        "layer": [
            {"mark": {"type": "rule", "strokeWidth": 2},
             "encoding": {"x": {"field": "low", "type": "quantitative", "scale": {"domain": [0, 1]}, "title": "macro-F1 (95% interval)"},
                          "x2": {"field": "high"}}},
            {"mark": {"type": "point", "filled": True, "size": 50}, "encoding": {"x": {"field": "macro_f1", "type": "quantitative"}}},
        ],
    }


def group_chart(rows: Sequence[dict], group: str, title: str) -> dict:
    """Macro-F1 per ``group`` value (genre or source) and model, bars annotated with n."""
    return {
        "$schema": SCHEMA, "title": _title(title), "data": {"values": list(rows)}, "width": 360,
        "height": {"step": 14},
        "encoding": {"y": {"field": group, "type": "nominal", "title": None, "sort": None},
                     "yOffset": {"field": "model", "type": "nominal"},
                     "x": {"field": "macro_f1", "type": "quantitative", "scale": {"domain": [0, 1]}, "title": "macro-F1"},
                     "color": {"field": "model", "type": "nominal", "scale": {"range": MODEL_COLORS}}},
        "layer": [{"mark": "bar"},
                  {"mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 9},
                   "encoding": {"text": {"field": "n_label", "type": "nominal"}}}],
    }


def reliability_chart(bins: dict[str, list[dict]], title: str) -> dict:
    """Reliability diagram: accuracy against mean confidence per bin, calibrated and
    uncalibrated scores, the diagonal for reference, point size by bin count."""
    values = [{"scores": name, "confidence": b["confidence"], "accuracy": b["accuracy"], "count": b["count"]}
              for name, rows in bins.items() for b in rows if b["count"]]
    axis = {"type": "quantitative", "scale": {"domain": [0, 1]}}
    color = {"field": "scores", "type": "nominal", "scale": {"range": MODEL_COLORS[1:]}, "legend": {"labelLimit": 200}}
    return {
        "$schema": SCHEMA, "title": _title(title), "width": 240, "height": 240,
        "layer": [
            {"data": {"values": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]},
             "mark": {"type": "line", "color": "#999", "strokeDash": [4, 4]},
             "encoding": {"x": {"field": "x", **axis}, "y": {"field": "y", **axis}}},
            {"data": {"values": values}, "mark": {"type": "line"},
             "encoding": {"x": {"field": "confidence", **axis, "title": "mean confidence in bin"},
                          "y": {"field": "accuracy", **axis, "title": "accuracy in bin"}, "color": color}},
            {"data": {"values": values}, "mark": {"type": "circle", "opacity": 0.8},
             "encoding": {"x": {"field": "confidence", **axis}, "y": {"field": "accuracy", **axis}, "color": color,
                          "size": {"field": "count", "type": "quantitative", "title": "sentences in bin"}}},
        ],
    }


def label_counts_chart(counts: dict[str, dict[str, int]], title: str) -> dict:
    """Stacked bars of gold label counts per set (``{set: {label: n}}``)."""
    values = [{"set": s, "label": lab, "n": c.get(lab, 0)} for s, c in counts.items() for lab in LABELS]
    return {
        "$schema": SCHEMA, "title": _title(title), "data": {"values": values}, "width": 360, "height": {"step": 20},
        "mark": "bar",
        "encoding": {"y": {"field": "set", "type": "nominal", "title": None, "sort": None},
                     "x": {"field": "n", "type": "quantitative", "stack": "normalize", "title": "share of sentences"},
                     "color": {"field": "label", "type": "nominal", "scale": vega_scale()},
                     "order": {"field": "label_order", "type": "quantitative"}},
        "transform": [{"calculate": " : ".join(f"datum.label == '{n}' ? {i}" for i, n in enumerate(LABELS)) + " : 9",
                       "as": "label_order"}],
    }


def svg(spec: dict) -> str:
    """Render a Vega-Lite spec to SVG text offline (vl-convert bundles Vega)."""
    import vl_convert

    # Room around the marks, no truncated labels, and a font the browser has too (DejaVu ships with
    # Debian's Chromium), so text measured here is as wide as text drawn there. No data URLs.
    config = {"font": "DejaVu Sans", "legend": {"labelLimit": 0}, "axis": {"labelLimit": 0}, **spec.get("config", {})}
    return vl_convert.vegalite_to_svg(vl_spec={"padding": 8, **spec, "config": config}, allowed_base_urls=[])


def img_tag(spec: dict) -> str:
    """An ``<img>`` holding the chart as a base64 SVG data URI (self-contained; each SVG keeps
    its own ids, which inline SVGs sharing one page would not), alt text = the chart title."""
    data = base64.b64encode(svg(spec).encode("utf-8")).decode("ascii")
    title = spec.get("title", "chart")
    alt = html.escape(" ".join(title["text"]) if isinstance(title, dict) else str(title), quote=True)
    return f'<img class="chart" alt="{alt}" src="data:image/svg+xml;base64,{data}">'
