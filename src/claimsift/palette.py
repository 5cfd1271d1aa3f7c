"""Label colours: one definition for every chart, the HTML report and the reader page.

Okabe-Ito colours, distinguishable with the common colour-vision deficiencies. ``COLORS`` is
for marks (bars, lines, legend swatches); ``TINTS`` is a light version of each for highlighting
text behind black type. Other renderers (a JS page, CSS) read :func:`as_json` / :func:`css`.
"""

from __future__ import annotations

import json

from claimsift.labels import LABELS

COLORS: dict[str, str] = {"finding": "#0072B2", "testimony": "#E69F00", "argument": "#CC79A7"}
"""Label -> mark colour (hex)."""

TINTS: dict[str, str] = {"finding": "#CCE3F0", "testimony": "#FAECCC", "argument": "#F5E4ED"}
"""Label -> text-highlight background (hex), about 20% of the mark colour on white."""

NON_BODY = "#8A8A8A"
"""Colour for text that is not article body (headings, bylines, link lists)."""

def vega_scale() -> dict:
    """A Vega-Lite ``scale`` that maps each label to its colour, in label order."""
    return {"domain": list(LABELS), "range": [COLORS[name] for name in LABELS]}


def css() -> str:
    """CSS custom properties ``--label-<name>`` and ``--tint-<name>`` (plus ``--non-body``)."""
    lines = [f"--label-{n}: {COLORS[n]}; --tint-{n}: {TINTS[n]};" for n in LABELS]
    return ":root { " + " ".join(lines) + f" --non-body: {NON_BODY}; }}"


def as_json() -> str:
    """``{"colors": ..., "tints": ..., "non_body": ...}`` for a JavaScript renderer."""
    return json.dumps({"labels": list(LABELS), "colors": COLORS, "tints": TINTS, "non_body": NON_BODY})
