"""The browser assets shipped in the package: the reader page and the article renderer.

``render.js`` + :func:`stylesheet` draw a highlighted article from segment records; the reader
page (``index.html``, ``page.js``, ``page.css``, served by :mod:`claimsift.webui`) and the
evaluation report both use them, so the two never disagree. :func:`article_fragment` gives the
report a self-contained HTML fragment (styles, data and renderer inlined).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Iterable, Mapping

from claimsift import palette
from claimsift.labels import LABELS

__all__ = ["ASSETS", "DEFAULT_THRESHOLD", "read_asset", "label_css", "stylesheet", "article_fragment"]

ASSETS: dict[str, str] = {
    "index.html": "text/html; charset=utf-8",
    "page.css": "text/css; charset=utf-8",
    "page.js": "text/javascript; charset=utf-8",
    "render.css": "text/css; charset=utf-8",
    "render.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
"""Asset file name -> media type: the only files the service serves from this folder."""

DEFAULT_THRESHOLD = 0.6
"""A body sentence whose top probability is under this is marked unsure."""

# A second cue besides colour: each label's underline and tag border has its own line style.
_LINE_STYLES = ("solid", "dashed", "dotted", "double")


def read_asset(name: str) -> str:
    """The text of a shipped asset (``render.js``, ``render.css``, ...); ``KeyError`` for others."""
    if name not in ASSETS:
        raise KeyError(f"no such asset: {name!r} (known: {', '.join(ASSETS)})")
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def label_css() -> str:
    """Per-label rules for render.js's classes (``.cs-<label>``, ``.cs-fill-<label>``), one per
    label of :data:`claimsift.labels.LABELS`, using the palette's custom properties."""
    rules = []
    for i, name in enumerate(LABELS):
        line = _LINE_STYLES[i % len(_LINE_STYLES)]
        rules += [
            f".cs-{name} {{ background: var(--tint-{name}); border-bottom: 3px {line} var(--label-{name}); }}",
            f".cs-{name} .cs-tag {{ border: 1px {line} var(--label-{name}); }}",
            f".cs-fill-{name} {{ background: var(--label-{name}); }}",
        ]
    return "\n".join(rules) + "\n"


def stylesheet() -> str:
    """Everything render.js needs: the palette's properties, the per-label rules, render.css."""
    return palette.css() + "\n" + label_css() + read_asset("render.css")


def _script_json(value: Any) -> str:
    # Inside <script> only "</" (and "<!--") could end or confuse the element: escape every "<".
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def article_fragment(text: str, segments: Iterable[Mapping[str, Any]], element_id: str = "cs-article",
                     threshold: float = DEFAULT_THRESHOLD) -> str:
    """A self-contained HTML fragment drawing ``text`` with its segment records (dicts as
    ``Segment.to_dict()`` / the JSONL output give them): legend, summary and article.

    For a static page such as the evaluation report; it carries inline ``<style>`` and
    ``<script>``, so it is not for a page with a strict Content-Security-Policy (the service's
    page loads the same files from ``/static/`` instead).
    """
    if not element_id.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"element_id must be letters, digits, - or _: {element_id!r}")
    data = {"text": text, "segments": [dict(s) for s in segments], "threshold": threshold,
            "palette": json.loads(palette.as_json())}
    call = (
        "(function () {"
        f" var data = JSON.parse(document.getElementById('{element_id}-data').textContent);"
        " var opts = {palette: data.palette, threshold: data.threshold};"
        f" claimsiftRender.renderLegend(document.getElementById('{element_id}-legend'), opts);"
        f" claimsiftRender.renderSummary(document.getElementById('{element_id}-summary'), data.segments, opts);"
        f" claimsiftRender.renderArticle(document.getElementById('{element_id}'), data.text, data.segments, opts);"
        " })();"
    )
    return (
        f"<style>{stylesheet()}</style>\n"
        f'<div id="{element_id}-legend"></div>\n<div id="{element_id}-summary"></div>\n'
        f'<div id="{element_id}"></div>\n'
        f'<script type="application/json" id="{element_id}-data">{_script_json(data)}</script>\n'
        f"<script>{read_asset('render.js')}</script>\n<script>{call}</script>\n"
    )
