"""The README's pictures of the reader page: ``python -m tests.page_screenshots MODEL ARTICLE OUTDIR``.

Serves MODEL on 127.0.0.1, pastes the first ``--chars`` characters of ARTICLE into the page in
headless Chromium, classifies, focuses one sentence (its probabilities show) and writes
``reader-desktop.png`` (1280 wide), ``reader-narrow.png`` (390 wide) and ``reader.json`` (what
was shown: model, article, browser, counts). Needs Chromium (Debian package ``chromium``).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

import uvicorn

from claimsift import Classifier
from claimsift.service import create_app
from tests.chromium import Browser, find_chromium
from tests.test_service import free_port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.page_screenshots")
    parser.add_argument("model", type=Path)
    parser.add_argument("article", type=Path)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--chars", type=int, default=1600, help="characters of the article to paste (whole lines)")
    parser.add_argument("--focus", type=int, default=3, help="segment index to focus")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print("page_screenshots: Chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    text = args.article.read_text(encoding="utf-8")
    text = text[: text.rfind("\n", 0, args.chars) + 1] or text[: args.chars]
    clf = Classifier.load(args.model)
    server = uvicorn.Server(uvicorn.Config(create_app(clf), host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.1)
    base = f"http://127.0.0.1:{server.config.port}"
    args.outdir.mkdir(parents=True, exist_ok=True)
    try:
        with Browser(chromium, 1280, 900, timeout=300) as b:
            b.goto(base + "/")
            b.wait_for("document.getElementById('model').textContent.indexOf('loading') < 0")
            b.insert_text("#text", text)
            b.click("#classify")
            b.wait_for("document.getElementById('result').dataset.state === 'done'")
            focus = f"document.querySelector('#article .cs-seg[data-index=\"{args.focus}\"]')"
            shots = {}
            # Desktop: the whole page; narrow (a phone): the screen at the result.
            for name, width, height, mobile in (("desktop", 1280, 900, False), ("narrow", 390, 844, True)):
                b.set_viewport(width, height, mobile=mobile)
                b.page("Input.dispatchMouseEvent", type="mouseMoved", x=0, y=0)  # no hover tooltip
                b.evaluate(f"document.activeElement.blur(); {focus}.focus({{preventScroll: true}});"
                           + ("window.scrollTo(0, 0)" if not mobile else "document.getElementById('result').scrollIntoView()"))
                time.sleep(0.3)
                png = args.outdir / f"reader-{name}.png"
                b.screenshot(png, full_page=not mobile)
                shots[name] = {"png": png.name, "viewport": [width, height], "full_page": not mobile}
            counts = b.evaluate("Object.fromEntries([...document.querySelectorAll('#summary .cs-count')]"
                                ".map(e => [e.dataset.label, +e.dataset.count]))")
            errors, version = b.errors(), b.version
    finally:
        server.should_exit = True
        thread.join(10)
    if errors:
        print(f"page_screenshots: the page logged errors: {errors}", file=sys.stderr)
        return 1
    info = {"model": str(args.model), "model_kind": clf.kind, "article": args.article.name, "chars": len(text),
            "counts": counts, "browser": version, "shots": shots}
    (args.outdir / "reader.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(f"page_screenshots: wrote {', '.join(s['png'] for s in shots.values())} in {args.outdir} ({version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
