"""HTTP service (FastAPI): ``create_app(classifier, settings)`` builds the ASGI app.

Endpoints (JSON; errors are ``{"error": message}`` with a 4xx, or 503 with ``Retry-After``):

- ``POST /v1/classify`` ``{"documents": [{"id", "text", "format"}]}`` →
  ``{"documents": [{"id", "segments", "warnings", "text"?}]}`` in input order;
- ``GET /v1/labels``, ``GET /v1/model``, ``GET /healthz``, ``GET /readyz``;
- ``/openapi.json`` and ``/docs`` (Swagger UI served from the installed package: works offline).

Documents from concurrent requests are classified together by a :class:`MicroBatcher` whose
worker thread runs the model off the event loop. Limits (``Settings``) bound the body, the
documents per request, the characters per document, the queue and the time per request.
Run it with ``claimsift serve`` (see :mod:`claimsift.httpserver`); add routes to the returned
app to build on it.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from claimsift import __version__
from claimsift.classifier import Classifier
from claimsift.labels import DEFINITIONS, LABELS
from claimsift.language import english_warning
from claimsift.microbatch import MicroBatcher, QueueFull
from claimsift.reader import InputError, read_bytes
from claimsift.webui import mount_page

__all__ = ["Settings", "create_app", "load_api_keys", "API_KEYS_ENV"]

log = logging.getLogger("claimsift.service")
API_KEYS_ENV = "CLAIMSIFT_API_KEYS"
_DOC_ID = r"^[\w.\-]{1,128}$"


@dataclass(frozen=True)
class Settings:
    """Service limits and options; every field has a safe default."""

    max_body_bytes: int = 2_000_000
    max_documents: int = 64
    max_doc_chars: int = 500_000
    request_timeout_s: float = 60.0
    """Whole request, from its first body byte to the answer (a slow body gets 408, a late answer 503)."""
    max_queue: int = 64
    """Requests waiting for the model; one more gets 503 with ``Retry-After``."""
    max_wait_ms: float = 15.0
    """How long a batch waits for other requests to join it after its first (also when some are queued)."""
    api_keys: tuple[str, ...] = ()
    """When non-empty, ``/v1/*`` needs ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``."""
    cors_origins: tuple[str, ...] = ()
    retry_after_s: int = 1


def load_api_keys(path: str | Path | None = None, environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """API keys from a file (one a line, ``#`` comments) and/or ``$CLAIMSIFT_API_KEYS`` (comma-separated)."""
    environ = os.environ if environ is None else environ
    keys = [k.strip() for k in environ.get(API_KEYS_ENV, "").split(",")]
    if path is not None:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        keys += [line.strip() for line in lines if not line.lstrip().startswith("#")]
    return tuple(k for k in keys if k)


# ---- request and response models (the OpenAPI schema is generated from these) ----------------


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(None, pattern=_DOC_ID, description="Echoed back; default: the position, 0-based.")
    text: str = Field(min_length=1, pattern=r"\S",
                      description="The document (not blank). Offsets in the answer index it (for HTML: the extracted text).")
    format: Literal["text", "markdown", "html"] = "text"


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[DocumentIn] = Field(min_length=1)


class SegmentOut(BaseModel):
    doc: str
    index: int
    start: int
    end: int
    text: str
    body: bool
    label: Literal["finding", "testimony", "argument"] | None
    scores: dict[str, float] | None
    reason: str | None = None
    in_quote: bool = False
    speaker: str | None = None
    cue: str | None = None


class DocumentOut(BaseModel):
    id: str
    segments: list[SegmentOut]
    warnings: list[str] = Field(description="e.g. the text does not look like English")
    text: str | None = Field(None, description="Present when the offsets index a text other than the input (HTML).")


class ClassifyResponse(BaseModel):
    documents: list[DocumentOut]


class ErrorOut(BaseModel):
    error: str


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": desc}
    for code, desc in [
        (400, "malformed request"), (401, "missing or wrong API key"), (408, "body sent too slowly"),
        (413, "body, document count or document length over the limit"), (415, "not application/json"),
        (422, "invalid field or unreadable document"), (503, "queue full or too slow: retry after Retry-After s"),
    ]
}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _first_error(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    e = errors[0]
    if e.get("type") == "json_invalid":
        return f"body is not valid JSON ({e.get('ctx', {}).get('error', 'decode error')} at position {e['loc'][-1]})"
    where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
    if e.get("type") in ("string_pattern_mismatch", "string_too_short") and where.endswith(".text"):
        return f"{where}: input is empty or contains only whitespace"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {e.get('msg', 'invalid')}{more}"


def headline_metrics(meta: dict[str, Any]) -> dict[str, Any]:
    """The metrics a model's ``claimsift.json`` carries: ``metrics`` if exported, else dev macro-F1."""
    if isinstance(meta.get("metrics"), dict):
        return meta["metrics"]
    training = meta.get("training") if isinstance(meta.get("training"), dict) else {}
    rows = list(meta.get("search", [])) + list(meta.get("history", [])) + list(training.get("history", []))
    scores = [h.get("dev_macro_f1") for h in rows if isinstance(h, dict)]
    scores = [s for s in scores if isinstance(s, (int, float))]
    return {"dev_macro_f1": max(scores)} if scores else {}


# ---- limits enforced below the routes: body size, content type, request deadline -------------


class _LimitsMiddleware:
    """Pure ASGI: refuses oversized or non-JSON bodies before reading them, and bounds the
    whole request by ``request_timeout_s`` (408 while the body is still arriving, else 503)."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings

    async def _reply(self, send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        await _error(status, message, headers)({"type": "http"}, None, send)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        s = self.settings
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["method"] == "POST" and scope["path"].startswith("/v1/"):
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "application/json":
                return await self._reply(send, 415, "Content-Type must be application/json")
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > s.max_body_bytes):
                # Close: the client may be sending a body we will not read.
                return await self._reply(send, 413, f"body larger than {s.max_body_bytes} bytes", {"Connection": "close"})
        state = {"received": 0, "body_done": False, "started": False}

        async def limited_receive():
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > s.max_body_bytes:
                    raise HTTPException(413, f"body larger than {s.max_body_bytes} bytes", {"Connection": "close"})
                if not message.get("more_body", False):
                    state["body_done"] = True
            return message

        async def tracking_send(message):
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            async with asyncio.timeout(s.request_timeout_s):
                await self.app(scope, limited_receive, tracking_send)
        except TimeoutError:
            if state["started"]:
                return
            if not state["body_done"] and scope["method"] in ("POST", "PUT", "PATCH"):
                await self._reply(send, 408, f"request body not received within {s.request_timeout_s:g} s",
                                  {"Connection": "close"})
            else:
                await self._reply(send, 503, f"not answered within {s.request_timeout_s:g} s; retry later",
                                  {"Retry-After": str(s.retry_after_s)})


# ---- the app ------------------------------------------------------------------------------------


def create_app(classifier: Classifier, settings: Settings | None = None) -> FastAPI:
    """The ASGI app serving ``classifier``; routes can be added to it.

    The micro-batcher starts and stops with the app's lifespan (uvicorn runs it; in tests use
    ``with TestClient(app)`` or a real server).
    """
    settings = settings or Settings()
    batcher = MicroBatcher(
        lambda texts, ids: classifier.classify_many(texts, ids),
        max_wait_s=settings.max_wait_ms / 1000, max_queue=settings.max_queue,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        batcher.start()
        yield
        await batcher.stop()

    app = FastAPI(
        title="claimsift",
        version=__version__,
        summary="Label body sentences of news articles and reports as finding, testimony or argument.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.classifier = classifier
    app.state.settings = settings
    app.state.batcher = batcher
    _add_docs(app)
    mount_page(app)  # the reader page at /, calling POST /v1/classify like any client
    _add_error_handlers(app)
    app.add_middleware(_LimitsMiddleware, settings=settings)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])

    key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Needed when the service has API keys")
    keys = [k.encode("utf-8") for k in settings.api_keys]

    def require_key(request: Request, x_api_key: str | None = Depends(key_header)) -> None:
        given = x_api_key
        auth = request.headers.get("authorization", "")
        if given is None and auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        candidate = (given or "").encode("utf-8", "replace")
        # Compare against every key, without an early exit, in constant time each.
        ok = False
        for key in keys:
            ok |= hmac.compare_digest(candidate, key)
        if not ok:
            raise HTTPException(401, "missing or invalid API key", headers={"WWW-Authenticate": "Bearer"})

    # Only a keyed service declares (and enforces) the key, so its OpenAPI schema stays true.
    secured = [Depends(require_key)] if keys else []

    @app.post("/v1/classify", response_model=ClassifyResponse, responses=_ERRORS, dependencies=secured,
              summary="Segment and classify one or many documents")
    async def classify(payload: ClassifyRequest) -> Any:
        """Segments each document, sets aside non-body text and labels each body sentence.

        Limits: see ``GET /v1/model`` → ``limits``. Answers in input order.
        """
        if len(payload.documents) > settings.max_documents:
            raise HTTPException(413, f"more than {settings.max_documents} documents in one request")
        texts, ids, extra = [], [], []
        seen: set[str] = set()
        for i, doc in enumerate(payload.documents):
            doc_id = doc.id if doc.id is not None else str(i)
            if doc_id in seen:
                raise HTTPException(422, f"documents.{i}.id: duplicate id {doc_id!r}")
            seen.add(doc_id)
            text = await _read_text(doc, i, doc_id, settings)
            texts.append(text)
            ids.append(doc_id)
            warning = english_warning(text, doc_id)
            extra.append({"warnings": [warning] if warning else [],
                          **({"text": text} if text != doc.text else {})})
        try:
            results = await batcher.submit(texts, ids)
        except QueueFull as exc:
            return _error(503, f"busy: {exc}; retry later", {"Retry-After": str(settings.retry_after_s)})
        docs = [{"id": doc_id, "segments": [r.to_dict() for r in segs], **more}
                for doc_id, segs, more in zip(ids, results, extra)]
        return JSONResponse({"documents": docs})

    @app.get("/v1/labels", dependencies=secured, summary="Label names and definitions")
    async def labels() -> dict[str, Any]:
        return {"labels": list(LABELS), "definitions": dict(DEFINITIONS)}

    @app.get("/v1/model", dependencies=secured, summary="The model served: kind, versions, headline metrics")
    async def model() -> dict[str, Any]:
        meta = classifier.metadata
        return {
            "kind": classifier.kind,
            "precision": classifier.precision,
            "service_version": __version__,
            "trained_with": meta.get("versions", {}).get("claimsift"),
            "versions": meta.get("versions", {}),
            "training_data_sha256": meta.get("data", {}).get("sha256"),
            "metrics": headline_metrics(meta),
            "limits": {"max_body_bytes": settings.max_body_bytes, "max_documents": settings.max_documents,
                       "max_doc_chars": settings.max_doc_chars, "request_timeout_s": settings.request_timeout_s},
        }

    @app.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", summary="Readiness: model loaded and queue not full",
             responses={503: {"model": ErrorOut, "description": "not ready"}})
    async def readyz() -> Any:
        if not batcher.running:
            return _error(503, "batch worker not running", {"Retry-After": str(settings.retry_after_s)})
        if batcher.queued >= settings.max_queue:
            return _error(503, "queue full", {"Retry-After": str(settings.retry_after_s)})
        return {"status": "ready", "model": classifier.kind, "queued": batcher.queued}

    return app


async def _read_text(doc: DocumentIn, i: int, doc_id: str, settings: Settings) -> str:
    """The text to segment: checked like a file (empty, binary), HTML reduced to its main text."""
    if len(doc.text) > settings.max_doc_chars:
        raise HTTPException(413, f"documents.{i}.text: longer than {settings.max_doc_chars} characters")
    try:
        data = doc.text.encode("utf-8")
    except UnicodeEncodeError:
        raise HTTPException(422, f"documents.{i}.text: contains a lone surrogate (not valid Unicode)") from None
    try:
        if doc.format == "html":  # trafilatura is slow on big pages: keep it off the event loop
            from starlette.concurrency import run_in_threadpool

            docs = await run_in_threadpool(read_bytes, data, doc_id, "html")
        else:
            docs = read_bytes(data, doc_id, doc.format)
    except InputError as exc:
        raise HTTPException(422, f"documents.{i}.text: {str(exc).split(': ', 1)[-1]}") from None
    return docs[0].text


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if message == "There was an error parsing the body":  # e.g. JSON nested too deep
            message = "body is not valid JSON, or nested too deeply"
        elif exc.status_code == 405:
            message = f"method {request.method} not allowed on {request.url.path}"
        elif exc.status_code == 404:
            message = f"no such endpoint: {request.url.path}"
        return _error(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        return _error(400 if malformed else 422, _first_error(exc))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "internal error")


def _add_docs(app: FastAPI) -> None:
    """Swagger UI from fastapi-offline's bundled assets (no CDN), when that package is installed."""
    try:
        import fastapi_offline
    except ImportError:  # the [serve] extra installs it; without it /docs is simply absent
        return
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    static = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/docs-static", StaticFiles(directory=static), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="claimsift API",
                                   swagger_js_url="/docs-static/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-static/swagger-ui.css",
                                   swagger_favicon_url="/docs-static/favicon.png")

