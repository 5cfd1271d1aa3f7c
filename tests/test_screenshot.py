"""The report in headless Chromium (Debian package `chromium`; `.ci/run` installs it): it
renders, shows the headline table, and loads nothing. Skips where Chromium is absent, except
in CI (CI=true), where that is a failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimsift.screenshot import capture, sha256_file
from tests.test_report import make_html

REPO = Path(__file__).resolve().parents[1]



def test_report_renders_in_chromium_without_loading_anything(chromium, tmp_path):
    from PIL import Image

    html = tmp_path / "report.html"
    html.write_text(make_html(), encoding="utf-8")
    shot = capture(html, tmp_path / "shot.png", 1280, 1400, chromium=chromium)
    assert shot.page_requests == []
    assert '<table class="headline">' in shot.dom and "transformer</td><td>real test split" in shot.dom
    img = Image.open(shot.png).convert("RGB")
    assert img.size == (1280, 1400)
    colours = img.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50  # text, tables and charts, not a blank page
    assert any(abs(r - 0x00) + abs(g - 0x9E) + abs(b - 0x73) < 30 for _, (r, g, b) in colours)  # a chart's marks


def test_failed_and_network_loads_are_caught(chromium, tmp_path):
    html = tmp_path / "page.html"
    html.write_text('<h1>x</h1><img src="missing.png"><img src="https://example.org/a.png">', encoding="utf-8")
    shot = capture(html, tmp_path / "shot.png", 400, 300, chromium=chromium)
    assert any(u.endswith("/missing.png") for u in shot.page_requests)
    assert "https://example.org/a.png" in shot.page_requests


def test_committed_screenshot_shows_the_committed_metrics():
    info = json.loads((REPO / "docs/img/report.json").read_text())
    assert (REPO / "docs/img/report.png").read_bytes()[:4] == b"\x89PNG"
    assert info["metrics_sha256"] == sha256_file(REPO / info["metrics"]), (
        "docs/img/report.png is stale: run `make screenshots` after `dvc repro`")
