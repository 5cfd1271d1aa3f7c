"""The shipped browser assets: present, safe by construction, and readable (WCAG AA contrast of
every text colour on every background it is drawn on, read from the CSS actually shipped)."""

from __future__ import annotations

import json
import re

import pytest

from claimsift import palette
from claimsift.labels import LABELS
from claimsift.static import ASSETS, DEFAULT_THRESHOLD, article_fragment, label_css, read_asset, stylesheet

HEX = r"#[0-9a-fA-F]{6}"


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def css_vars(css: str) -> dict[str, str]:
    return dict(re.findall(rf"(--[\w-]+):\s*({HEX})", css))


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-fails grey
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_text_on_every_tint_and_background_passes_wcag_aa():
    render = css_vars(read_asset("render.css"))
    ink, muted, paper = render["--cs-ink"], render["--cs-muted"], render["--cs-paper"]
    for name in LABELS:  # highlighted sentences and their tags: ink on the label's tint
        assert contrast(ink, palette.TINTS[name]) >= 4.5, name
    assert contrast(ink, paper) >= 4.5
    assert contrast(muted, paper) >= 4.5  # greyed non-body text
    tip = re.search(rf"\.cs-tip \{{[^}}]*color: ({HEX}); background: ({HEX})", read_asset("render.css"))
    assert contrast(tip[1], tip[2]) >= 4.5
    page = css_vars(read_asset("page.css"))
    for fg in ("--ink", "--muted", "--accent", "--error"):
        assert contrast(page[fg], page["--paper"]) >= 4.5, fg
    assert contrast("#ffffff", page["--accent"]) >= 4.5  # the Classify button's label
    assert contrast(page["--error"], "#fdf0f0") >= 4.5  # warnings box


def test_palette_grey_is_only_a_mark_not_text():
    # The palette's NON_BODY grey is too light for text (3.45:1); the page greys text with
    # --cs-muted and uses --non-body only for the dotted underline.
    assert contrast(palette.NON_BODY, "#ffffff") < 4.5
    rule = re.search(r"\.cs-nonbody \{([^}]*)\}", read_asset("render.css"))[1]
    assert "color: var(--cs-muted)" in rule and "border-bottom: 1px dotted var(--non-body)" in rule


def test_assets_are_shipped_and_unknown_names_refused():
    for name in ASSETS:
        assert read_asset(name).strip()
    with pytest.raises(KeyError, match="no such asset"):
        read_asset("../service.py")


def test_label_rules_cover_every_label_with_distinct_line_styles():
    css = label_css()
    styles = []
    for name in LABELS:
        rule = re.search(rf"\.cs-{name} \{{ background: var\(--tint-{name}\); border-bottom: 3px (\w+) var\(--label-{name}\); \}}", css)
        assert rule, name
        styles.append(rule[1])
        assert f".cs-fill-{name} {{ background: var(--label-{name}); }}" in css
    assert len(set(styles)) == len(LABELS)  # a second cue besides colour
    sheet = stylesheet()
    assert sheet.startswith(palette.css()) and css in sheet and read_asset("render.css") in sheet


@pytest.mark.parametrize("name", ["render.js", "page.js"])
def test_scripts_never_parse_markup(name):
    js = read_asset(name)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "setAttribute(\"style", "http://", "https://"):
        assert sink not in js, sink
    assert "textContent" in js or name == "page.js"


def test_page_loads_only_its_own_assets():
    html = read_asset("index.html")
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs and all(r.startswith("/static/") or r.startswith("#") for r in refs), refs
    assert "<style" not in html and "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"<[^>]*\son\w+=", html)  # no inline event handlers


def test_fragment_keeps_the_data_inert():
    text = "Police said </script><script>alert(1)</script> <!-- x"
    segs = [{"doc": "d", "index": 0, "start": 0, "end": len(text), "text": text, "body": True, "label": "finding",
             "scores": {"finding": 0.9, "testimony": 0.05, "argument": 0.05}, "reason": None}]
    html = article_fragment(text, segs, element_id="seed", threshold=0.7)
    data = re.search(r'<script type="application/json" id="seed-data">(.*?)</script>', html, re.S)[1]
    assert "<" not in data  # nothing in the data block can close it
    parsed = json.loads(data)
    assert parsed["text"] == text and parsed["segments"] == segs and parsed["threshold"] == 0.7
    assert parsed["palette"]["labels"] == list(LABELS)
    assert read_asset("render.js") in html and palette.css() in html
    with pytest.raises(ValueError):
        article_fragment(text, segs, element_id='x"><script>')
    assert DEFAULT_THRESHOLD == 0.6
