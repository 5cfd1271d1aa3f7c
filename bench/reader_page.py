"""Reader page cost next to the bare API: ``python bench/reader_page.py MODEL [MODEL...] --article FILE``.

For each model, served on 127.0.0.1, prints side by side (median of ``--repeat`` runs):
the direct ``POST /v1/classify`` time (httpx), the page's time from the Classify click to the
drawn result in headless Chromium, and the renderer alone (``renderArticle`` + summary +
legend on the same answer, timed in the page). Needs Chromium (Debian package ``chromium``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from claimsift import Classifier  # noqa: E402
from claimsift.service import create_app  # noqa: E402
from tests.chromium import Browser, find_chromium  # noqa: E402
from tests.test_service import free_port  # noqa: E402

RENDER_ONLY = """(() => {
  const t0 = performance.now();
  const doc = JSON.parse(window.__last), opts = {palette: window.__palette, threshold: 0.6};
  claimsiftRender.renderLegend(document.getElementById('legend'), opts);
  claimsiftRender.renderSummary(document.getElementById('summary'), doc.segments, opts);
  claimsiftRender.renderArticle(document.getElementById('article'), window.__text, doc.segments, opts);
  return performance.now() - t0; })()"""


def bench_model(model: Path, text: str, repeat: int, chromium: str) -> dict[str, float]:
    clf = Classifier.load(model)
    server = uvicorn.Server(uvicorn.Config(create_app(clf), host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.1)
    base = f"http://127.0.0.1:{server.config.port}"
    body = {"documents": [{"id": "pasted", "text": text, "format": "text"}]}
    try:
        httpx.post(f"{base}/v1/classify", json=body, timeout=300)  # warm-up
        api = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            r = httpx.post(f"{base}/v1/classify", json=body, timeout=300)
            api.append(time.perf_counter() - t0)
            r.raise_for_status()
        page, render = [], []
        with Browser(chromium, timeout=300) as b:
            b.goto(base + "/")
            b.wait_for("document.getElementById('model').textContent.indexOf('loading') < 0")
            b.insert_text("#text", text)
            for _ in range(repeat):
                b.evaluate("delete document.getElementById('result').dataset.state")
                t0 = time.perf_counter()
                b.click("#classify")
                b.wait_for("document.getElementById('result').dataset.state === 'done'")
                page.append(time.perf_counter() - t0)
            b.evaluate(f"window.__text = document.getElementById('text').value;"
                       f" fetch('/static/palette.json').then(r => r.json()).then(p => window.__palette = p)")
            b.evaluate(f"fetch('/v1/classify', {{method: 'POST', headers: {{'Content-Type': 'application/json'}},"
                       f" body: JSON.stringify({{documents: [{{id: 'pasted', text: window.__text}}]}})}})"
                       f".then(r => r.json()).then(j => window.__last = JSON.stringify(j.documents[0]))")
            b.wait_for("window.__last && window.__palette")
            render = [b.evaluate(RENDER_ONLY) / 1000 for _ in range(repeat)]
            segments = b.evaluate("document.querySelectorAll('#article .cs-seg').length")
    finally:
        server.should_exit = True
        thread.join(10)
    return {"api": statistics.median(api), "page": statistics.median(page), "render": statistics.median(render),
            "segments": segments, "kind": clf.kind}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--article", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print("reader_page: Chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    text = args.article.read_text(encoding="utf-8")
    print(f"article {args.article.name}: {len(text)} characters; median of {args.repeat}")
    print(f"{'model':<12} {'segments':>8} {'API POST s':>11} {'page click->drawn s':>20} {'renderer only ms':>17}")
    for model in args.models:
        r = bench_model(model, text, args.repeat, chromium)
        print(f"{r['kind']:<12} {r['segments']:>8} {r['api']:>11.3f} {r['page']:>20.3f} {1000 * r['render']:>17.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
