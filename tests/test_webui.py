"""The reader page, against a real ``claimsift serve`` and in a real headless Chromium (Debian
package ``chromium``; ``.ci/run`` installs it). Browser tests skip where Chromium is absent,
except in CI (CI=true), where that is a failure."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import httpx
import pytest

from claimsift import Classifier, palette
from claimsift.labels import LABELS
from claimsift.service import Settings, create_app
from claimsift.static import ASSETS, article_fragment
from claimsift.webui import CSP
from tests.chromium import Browser
from tests.test_classifier import child_env, tfidf_dir, transformer_dir  # noqa: F401  (fixtures)
from tests.test_service import free_port, stop

# Start-up imports torch: on a loaded 2-core machine that can take a minute or more.
READY_S = 240

# An article of our own: headline, byline, a finding, a quoted testimony, an argument, a link list.
ARTICLE = (
    "Inspectors find overcrowding in northern prison\n"
    "By Staff Reporter\n"
    "The audit counted 412 prisoners in a wing built for 150. "
    "“They took my phone and beat me with a hose,” said Amadou Keita.\n"
    "The court ordered the state to pay 40,000 euros in damages. "
    "This ruling is a disgrace and must be overturned.\n"
    "Read more\n- Another story about prisons\n"
)
HOSTILE = (
    "Police arrested 31 people on Monday. <img src=x onerror=\"window.__pwned=1\"> "
    "<script>window.__pwned=2</script> He said <b>guards</b> beat him. "
    "This is a disgrace <svg onload=\"window.__pwned=3\"></svg>.\n"
)


def rgb(hex_colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)))



def wait_ready(base: str, alive=lambda: True) -> None:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline and alive():
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {base} not ready")


@pytest.fixture(scope="module")
def server(tfidf_dir):  # noqa: F811
    """``claimsift serve`` as a user starts it."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "claimsift.cli", "serve", "--model", str(tfidf_dir), "--port", str(port)],
                            env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, lambda: proc.poll() is None)
    except RuntimeError:
        stop(proc)
        raise RuntimeError(f"claimsift serve did not start: {proc.stdout.read()}") from None
    yield base
    stop(proc)


@contextmanager
def thread_server(model_dir, **settings) -> Iterator[str]:
    """The same app under uvicorn in a thread (no second torch import), with ``Settings(**settings)``."""
    import uvicorn

    app = create_app(Classifier.load(model_dir, precision="fp32"), Settings(**settings))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.config.port}"
        wait_ready(base, thread.is_alive)
        yield base
    finally:
        server.should_exit = True
        thread.join(10)


def api(base: str, text: str, key: str | None = None) -> list[dict]:
    """The segments ``POST /v1/classify`` returns for one pasted document, as the page sends it."""
    headers = {"X-API-Key": key} if key else {}
    r = httpx.post(f"{base}/v1/classify", json={"documents": [{"id": "pasted", "text": text, "format": "text"}]},
                   headers=headers, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()["documents"][0]["segments"]


def open_page(b: Browser, base: str) -> None:
    b.goto(base + "/")
    b.wait_for("document.getElementById('model').textContent.indexOf('loading') < 0")


def classify(b: Browser, text: str, click: bool = True) -> None:
    b.evaluate("document.getElementById('text').value = ''; delete document.getElementById('result').dataset.state")
    b.insert_text("#text", text)
    if click:
        b.click("#classify")
    else:  # keyboard: focus the button and press Enter
        b.evaluate("document.getElementById('classify').focus()")
        b.key("Enter", key_code=13, text="\r")
    b.wait_for("document.getElementById('result').dataset.state === 'done'")


DRAWN = """[...document.querySelectorAll('#article .cs-seg')].map(e => ({
  index: +e.dataset.index, label: e.dataset.label, classes: [...e.classList],
  text: e.lastChild.textContent, tag: e.querySelector('.cs-tag') ? e.querySelector('.cs-tag').textContent : null,
  color: getComputedStyle(e).color, background: getComputedStyle(e).backgroundColor}))"""
COUNTS = "Object.fromEntries([...document.querySelectorAll('#summary .cs-count')].map(e => [e.dataset.label, +e.dataset.count]))"


def expected_counts(segments: list[dict], threshold: float) -> dict[str, int]:
    body = [s for s in segments if s["body"]]
    counts = {name: sum(s["label"] == name for s in body) for name in LABELS}
    counts.update(body=len(body), nonbody=len(segments) - len(body),
                  unsure=sum(max(s["scores"].values()) < threshold for s in body))
    return counts


def check_drawn(drawn: list[dict], segments: list[dict], threshold: float) -> None:
    """Every segment drawn once, in order, with the API's label, tint, marker and text."""
    assert [d["index"] for d in drawn] == [s["index"] for s in segments]
    for d, s in zip(drawn, segments):
        assert d["text"] == s["text"]
        if s["body"]:
            unsure = max(s["scores"].values()) < threshold
            assert d["label"] == s["label"] and f"cs-{s['label']}" in d["classes"]
            assert d["background"] == rgb(palette.TINTS[s["label"]])
            assert d["tag"] == s["label"][0].upper() + ("?" if unsure else "")
            assert ("cs-unsure" in d["classes"]) == unsure
        else:
            assert "cs-nonbody" in d["classes"] and d["label"] == "" and d["tag"] is None
            assert d["color"] == rgb("#595959") and d["background"] == "rgba(0, 0, 0, 0)"


def test_page_and_assets_are_served_with_a_strict_csp(server):
    r = httpx.get(f"{server}/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP and CSP.startswith("default-src 'self';")
    assert r.headers["x-content-type-options"] == "nosniff"
    for name in [n for n in ASSETS if n != "index.html"] + ["style.css", "palette.json"]:
        a = httpx.get(f"{server}/static/{name}")
        assert a.status_code == 200 and a.headers["content-security-policy"] == CSP, name
    assert json.loads(httpx.get(f"{server}/static/palette.json").text) == json.loads(palette.as_json())
    for bad in ("nope.js", "..%2Fwebui.py", "index.html", "__init__.py"):
        assert httpx.get(f"{server}/static/{bad}").status_code == 404, bad
    assert "/" not in httpx.get(f"{server}/openapi.json").json()["paths"]


def test_reader_page_shows_what_the_api_returns(server, chromium, tmp_path):
    segments = api(server, ARTICLE)
    assert {s["label"] for s in segments if s["body"]} == set(LABELS) and not all(s["body"] for s in segments)
    with Browser(chromium, 1280, 900) as b:
        b.call("Browser.grantPermissions", permissions=["clipboardReadWrite", "clipboardSanitizedWrite"], origin=server)
        b.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(tmp_path))
        open_page(b, server)
        assert b.evaluate("document.getElementById('model').textContent").startswith("Model: tfidf")
        assert b.evaluate("document.getElementById('key-field').hidden") is True  # no keys: no key field
        classify(b, ARTICLE)
        check_drawn(b.evaluate(DRAWN), segments, 0.6)
        assert b.evaluate(COUNTS) == expected_counts(segments, 0.6)
        assert b.evaluate("document.getElementById('legend').textContent").count("not body") == 1

        # Unsure threshold: changing it redraws without classifying again.
        b.evaluate("const t = document.getElementById('threshold'); t.value = '0.99';"
                   " t.dispatchEvent(new Event('change'))")
        check_drawn(b.evaluate(DRAWN), segments, 0.99)
        assert b.evaluate(COUNTS) == expected_counts(segments, 0.99)

        # Keyboard: arrow keys move between sentences; the focused one's probabilities show.
        b.evaluate("document.querySelector('#article .cs-seg').focus()")
        b.key("ArrowRight", key_code=39)
        b.key("ArrowRight", key_code=39)
        seg = segments[2]
        assert b.evaluate("document.activeElement.dataset.index") == str(seg["index"]) and seg["body"]
        tip = b.evaluate("document.querySelector('#article .cs-tip').hidden ? null : document.querySelector('#article .cs-tip').textContent")
        assert tip and all(f"{name} {seg['scores'][name]:.2f}" in tip for name in LABELS)
        assert b.evaluate("document.getElementById('detail').textContent") == tip
        b.key("Home", key_code=36)  # non-body text: its reason
        first = segments[0]
        assert not first["body"] and b.evaluate("document.querySelector('#article .cs-tip').textContent") == (
            f"Not article body: {first['reason']}")
        quoted = next(s for s in segments if s["speaker"])  # quotation context
        b.evaluate(f"document.querySelector('#article .cs-seg[data-index=\"{quoted['index']}\"]').focus()")
        assert f"speaker: {quoted['speaker']}" in b.evaluate("document.querySelector('#article .cs-tip').textContent")
        b.key("End", key_code=35)
        assert b.evaluate("document.activeElement.dataset.index") == str(segments[-1]["index"])
        assert b.evaluate("document.querySelectorAll('#article [tabindex=\"0\"]').length") == 1  # one tab stop

        # Copy JSON and download JSONL carry the API's answer.
        b.click("#copy")
        b.wait_for("document.getElementById('copy-status').textContent === 'JSON copied.'")
        copied = json.loads(b.evaluate("navigator.clipboard.readText()"))
        assert copied["documents"][0]["segments"] == segments
        b.click("#download")
        target = tmp_path / "claimsift-pasted.jsonl"
        deadline = time.monotonic() + 20
        while not target.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [json.loads(line) for line in target.read_text().splitlines()] == segments

        # Classify again from the keyboard.
        classify(b, "Officials said 12 people were injured.\n", click=False)
        assert b.evaluate("document.querySelectorAll('#article .cs-seg').length") == len(api(server, "Officials said 12 people were injured.\n"))

        b.screenshot(tmp_path / "desktop.png", full_page=True)
        b.set_viewport(390, 844, mobile=True)
        classify(b, ARTICLE)
        assert b.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        b.screenshot(tmp_path / "narrow.png", full_page=True)
        assert b.errors() == []
        assert [u for u in b.requests() if not u.startswith(server + "/") and not u.startswith("blob:" + server)] == []
        assert f"{server}/v1/classify" in b.requests()
    assert (tmp_path / "narrow.png").read_bytes()[:4] == b"\x89PNG"


def test_pasted_markup_is_shown_as_text_and_never_runs(server, chromium):
    segments = api(server, HOSTILE)
    with Browser(chromium) as b:
        open_page(b, server)
        classify(b, HOSTILE)
        time.sleep(0.5)  # give an injected handler the chance to fire
        assert b.evaluate("window.__pwned === undefined") is True
        assert b.evaluate("document.querySelectorAll('#article img, #article script, #article svg, #article b').length") == 0
        assert b.evaluate("document.querySelector('#article .cs-text').textContent.replace(/[FTA]\\??(finding|testimony|argument)(, unsure)?: |not body, \\w+: /g, '')") == HOSTILE
        check_drawn(b.evaluate(DRAWN), segments, 0.6)
        assert not [u for u in b.requests() if u.endswith("/x")]
        assert b.errors() == []


def test_opened_html_file_is_classified_as_html(server, chromium, tmp_path):
    page = tmp_path / "story.html"
    page.write_text("<html><head><title>t</title></head><body><nav>Home | World</nav><article><h1>Prison audit</h1>"
                    "<p>The audit counted 412 prisoners in a wing built for 150.</p><p>This ruling is a disgrace and "
                    "must be overturned.</p></article></body></html>", encoding="utf-8")
    r = httpx.post(f"{server}/v1/classify", json={"documents": [{"id": "pasted", "text": page.read_text(), "format": "html"}]})
    doc = r.json()["documents"][0]
    with Browser(chromium) as b:
        b.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(tmp_path / "downloads"))
        open_page(b, server)
        node = b.page("DOM.querySelector", nodeId=b.page("DOM.getDocument")["root"]["nodeId"], selector="#file")["nodeId"]
        b.page("DOM.setFileInputFiles", files=[str(page)], nodeId=node)
        b.wait_for("document.getElementById('status').textContent === 'Loaded story.html.'")
        assert b.evaluate("document.getElementById('format').value") == "html"
        b.click("#classify")
        b.wait_for("document.getElementById('result').dataset.state === 'done'")
        check_drawn(b.evaluate(DRAWN), doc["segments"], 0.6)
        b.click("#download")  # the file's name is the document id, as in the CLI
        saved = tmp_path / "downloads" / "claimsift-story.jsonl"
        deadline = time.monotonic() + 20
        while not saved.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        records = [json.loads(line) for line in saved.read_text().splitlines()]
        assert {r["doc"] for r in records} == {"story"} and [r["text"] for r in records] == [s["text"] for s in doc["segments"]]
        # The article shown is the extracted text the offsets index, not the markup.
        shown = b.evaluate("[...document.querySelector('#article .cs-text').childNodes].map(n => n.nodeType === 3 ? "
                           "n.textContent : n.lastChild.textContent).join('')")
        assert shown == doc["text"] and "<" not in shown
        assert b.errors() == []


def test_api_key_and_length_limit_messages(tfidf_dir, chromium):  # noqa: F811
    with thread_server(tfidf_dir, api_keys=("page-key",), max_doc_chars=1000) as base:
        with Browser(chromium) as b:
            open_page(b, base)
            assert b.evaluate("document.getElementById('key-field').hidden") is False  # asked for
            b.insert_text("#text", ARTICLE)
            b.click("#classify")
            b.wait_for("document.getElementById('status').textContent.indexOf('API key') >= 0")
            assert b.evaluate("document.activeElement.id") == "key"
            b.insert_text("#key", "page-key")
            b.evaluate("document.getElementById('text').value = 'x '.repeat(600)")
            b.click("#classify")  # over the limit: the service's own message, nothing drawn
            b.wait_for("document.getElementById('status').textContent.indexOf('Too long') >= 0")
            assert "longer than 1000 characters" in b.evaluate("document.getElementById('status').textContent")
            assert b.evaluate("document.getElementById('result').hidden") is True
            b.evaluate("document.getElementById('key').dispatchEvent(new Event('change'))")  # now the model line loads
            b.wait_for("document.getElementById('model').textContent.startsWith('Model: tfidf')")
            b.click("#classify")  # the page now knows the limit and says so without a request
            b.wait_for("document.getElementById('status').textContent.indexOf('at most 1,000') >= 0")
            classify(b, ARTICLE)
            check_drawn(b.evaluate(DRAWN), api(base, ARTICLE, key="page-key"), 0.6)
            # The only errors are the refused requests the browser logs (401 and 413).
            assert all("401" in e or "413" in e for e in b.errors()), b.errors()


def test_report_fragment_draws_the_same_article(tfidf_dir, chromium, tmp_path):  # noqa: F811
    records = [r.to_dict() for r in Classifier.load(tfidf_dir).classify(ARTICLE, doc_id="seed")]
    page = tmp_path / "report.html"
    page.write_text("<!doctype html><meta charset=utf-8><title>r</title>" + article_fragment(ARTICLE, records),
                    encoding="utf-8")
    with Browser(chromium) as b:
        b.goto(page.as_uri())
        b.wait_for("document.querySelectorAll('#cs-article .cs-seg').length > 0")
        drawn = b.evaluate(DRAWN.replace("#article", "#cs-article"))
        check_drawn(drawn, records, 0.6)
        assert b.evaluate(COUNTS.replace("#summary", "#cs-article-summary")) == expected_counts(records, 0.6)
        assert b.errors() == []
        assert b.requests() == [page.as_uri()]


def test_reader_page_with_the_transformer(transformer_dir, chromium):  # noqa: F811
    with thread_server(transformer_dir) as base:
        segments = api(base, ARTICLE)
        with Browser(chromium) as b:
            open_page(b, base)
            assert b.evaluate("document.getElementById('model').textContent").startswith("Model: transformer")
            classify(b, ARTICLE)
            check_drawn(b.evaluate(DRAWN), segments, 0.6)
            assert b.evaluate(COUNTS) == expected_counts(segments, 0.6)
            assert b.errors() == []
