"""The reader page: ``mount_page(app)`` adds ``GET /`` and ``GET /static/<asset>`` to the service.

The page (``claimsift/static/``) posts to the same ``POST /v1/classify`` as every other client
and draws the answer with ``render.js``. It is served with a strict Content-Security-Policy
(``default-src 'self'``: no inline script or style, nothing from another origin), so even a
rendering bug could not run a pasted ``<script>``.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import Response

from claimsift import palette
from claimsift.static import ASSETS, read_asset, stylesheet

__all__ = ["CSP", "SECURITY_HEADERS", "mount_page"]

CSP = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
"""Content-Security-Policy of the page and its assets."""

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _generated() -> dict[str, tuple[str, str]]:
    """Assets built from Python: the label colours and rules, from one definition each."""
    return {
        "style.css": (stylesheet(), "text/css; charset=utf-8"),
        "palette.json": (palette.as_json(), "application/json"),
    }


def mount_page(app: FastAPI) -> None:
    """Serve the reader page at ``/`` and its assets at ``/static/<name>`` (a fixed list: no
    file-system path is ever built from the request). Kept out of the OpenAPI schema."""
    files = {name: (read_asset(name), media) for name, media in ASSETS.items() if name != "index.html"}
    files.update(_generated())
    index = read_asset("index.html")

    @app.get("/", include_in_schema=False)
    async def page() -> Response:
        return Response(index, media_type=ASSETS["index.html"], headers=SECURITY_HEADERS)

    @app.get("/static/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name not in files:
            return Response('{"error": "no such asset"}', status_code=404, media_type="application/json")
        body, media = files[name]
        return Response(body, media_type=media, headers=SECURITY_HEADERS)
