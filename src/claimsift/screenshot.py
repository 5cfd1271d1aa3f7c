"""Open an HTML file in headless Chromium, take a screenshot and record every resource the page
tried to load (a self-contained report loads none).

The page is served from a temporary folder holding only that file by a local HTTP server, with
every host name but 127.0.0.1 resolving to nothing; Chromium's network log then shows each
request the page made (initiator = the page's origin), network or local, and the server shows
local ones. ``python -m claimsift.screenshot REPORT PNG`` writes the README's picture plus
``<PNG stem>.json`` with the SHA-256 of the metrics it shows (``make screenshots``).
"""

from __future__ import annotations

import argparse
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from claimsift.modelmeta import file_sha256 as sha256_file

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium's own background traffic (updates, sync) is switched off; it is also not initiated by
# the page, so it never counts as a page load.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")


def find_chromium() -> str | None:
    """Path of a Chromium executable on ``PATH``, or None."""
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class Capture:
    """What one headless Chromium visit saw."""

    png: Path
    dom: str                                               # the DOM after load (``--dump-dom``)
    page_requests: list[str] = field(default_factory=list)  # URLs the page itself requested
    version: str = ""


class _Recorder(http.server.SimpleHTTPRequestHandler):
    paths: list[str]

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def do_GET(self):
        self.paths.append(self.path)
        super().do_GET()


def _page_requests(netlog: Path, origin: str) -> list[str]:
    """URLs whose request was initiated by ``origin`` (the page), from a Chromium NetLog."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and params.get("initiator") == origin:
            urls.append(params["url"])
    return sorted(set(urls))


def capture(html: Path, png: Path, width: int = 1280, height: int = 2000, timeout: int = 120,
            chromium: str | None = None) -> Capture:
    """Screenshot ``html`` at ``width`` x ``height`` into ``png``; raises ``RuntimeError`` when
    Chromium is missing or fails."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError("Chromium not found (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="claimsift-shot-") as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        shutil.copyfile(html, root / "report.html")
        handler = type("Handler", (_Recorder,), {"paths": []})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: handler(*a, directory=str(root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_port}"
        try:
            base = [chromium, *FLAGS, f"--window-size={width},{height}", "--virtual-time-budget=5000"]
            netlog = Path(tmp) / "netlog.json"
            png.parent.mkdir(parents=True, exist_ok=True)
            shot = subprocess.run(base + [f"--user-data-dir={tmp}/profile1", f"--log-net-log={netlog}",
                                          f"--screenshot={png.resolve()}", f"{origin}/report.html"],
                                  capture_output=True, text=True, timeout=timeout)
            if shot.returncode != 0 or not png.is_file():
                raise RuntimeError(f"chromium screenshot failed ({shot.returncode}): {shot.stderr.strip()[-300:]}")
            dom = subprocess.run(base + [f"--user-data-dir={tmp}/profile2", "--dump-dom", f"{origin}/report.html"],
                                 capture_output=True, text=True, timeout=timeout).stdout
            version = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=timeout).stdout
        finally:
            server.shutdown()
            server.server_close()
        local = [f"{origin}{p}" for p in handler.paths if p not in ("/report.html", "/favicon.ico")]
        requests = sorted(set(_page_requests(netlog, origin) + local) - {f"{origin}/report.html", f"{origin}/favicon.ico"})
    return Capture(png=png, dom=dom, page_requests=requests, version=version.strip())


def main(argv: list[str] | None = None) -> int:
    """``REPORT PNG [--metrics FILE]``: screenshot the report, and write ``PNG``'s ``.json``
    companion with the SHA-256 of the metrics file the report shows."""
    parser = argparse.ArgumentParser(prog="python -m claimsift.screenshot")
    parser.add_argument("report", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--metrics", type=Path, default=Path("reports/metrics.json"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2000)
    args = parser.parse_args(argv)
    try:
        shot = capture(args.report, args.png, args.width, args.height)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"screenshot: {exc}", file=sys.stderr)
        return 2
    if shot.page_requests:
        print(f"screenshot: the report loaded resources: {shot.page_requests}", file=sys.stderr)
        return 1
    info = {"metrics": args.metrics.as_posix(), "metrics_sha256": sha256_file(args.metrics),
            "report_sha256": sha256_file(args.report), "viewport": [args.width, args.height], "browser": shot.version}
    args.png.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(f"screenshot: wrote {args.png} and {args.png.with_suffix('.json')} ({shot.version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
