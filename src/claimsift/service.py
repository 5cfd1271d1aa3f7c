"""HTTP service: ``claimsift serve [--model DIR] [--host 127.0.0.1] [--port 8000]``.

Endpoints (JSON in, JSON out):
- ``GET /health`` → ``{"status": "ok", "model": kind}``
- ``GET /labels`` → the label names and definitions
- ``POST /classify`` with ``{"text": str, "doc": str (optional)}`` → ``{"doc", "segments": [...]}``
  (records as in the CLI contract).

Every input is validated and bounded: body size (``MAX_BODY_BYTES``), content type, JSON shape,
text length (``MAX_TEXT_CHARS``), doc id format; errors are ``{"error": message}`` with 4xx.
Standard library only (``ThreadingHTTPServer``); one model instance serves all threads, guarded
by a lock since torch inference on CPU already uses every core.
"""

from __future__ import annotations

import json
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from claimsift.labels import DEFINITIONS, LABELS
from claimsift.reader import InputError, find_surrogate

MAX_BODY_BYTES = 2_000_000
MAX_TEXT_CHARS = 500_000
_DOC_ID = re.compile(r"^[\w.\-]{1,128}$")


class RequestError(ValueError):
    """A request the service refuses; carries the HTTP status."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


def parse_classify_request(body: bytes) -> tuple[str, str]:
    """Validate a ``/classify`` body; returns ``(text, doc)`` or raises ``RequestError``."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RequestError(HTTPStatus.BAD_REQUEST, "body must be UTF-8 JSON") from None
    except RecursionError:
        raise RequestError(HTTPStatus.BAD_REQUEST, "JSON nested too deeply") from None
    if not isinstance(payload, dict):
        raise RequestError(HTTPStatus.BAD_REQUEST, "body must be a JSON object")
    unknown = set(payload) - {"text", "doc"}
    if unknown:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"unknown field(s): {', '.join(sorted(unknown))}")
    text, doc = payload.get("text"), payload.get("doc", "doc")
    if not isinstance(text, str):
        raise RequestError(HTTPStatus.BAD_REQUEST, "field 'text' must be a string")
    if not text.strip():
        raise RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, "field 'text' is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"text longer than {MAX_TEXT_CHARS} characters")
    if find_surrogate(text) is not None or (isinstance(doc, str) and find_surrogate(doc) is not None):
        raise RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, "text holds a lone surrogate escape (\\ud800-\\udfff)")
    if "\x00" in text:
        raise RequestError(HTTPStatus.UNPROCESSABLE_ENTITY, "text contains NUL characters (binary?)")
    if not isinstance(doc, str) or not _DOC_ID.match(doc):
        raise RequestError(HTTPStatus.BAD_REQUEST, "field 'doc' must match [A-Za-z0-9_.-]{1,128}")
    return text, doc


def make_server(classifier, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server bound to ``host:port`` (port 0 picks a free one) serving ``classifier``."""
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        server_version = "claimsift"
        timeout = 30  # seconds a client may take to send its request

        def log_message(self, fmt, *args):  # quiet by default; errors still reach the client
            pass

        def _send(self, status: HTTPStatus, obj) -> None:
            data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/health":
                self._send(HTTPStatus.OK, {"status": "ok", "model": classifier.kind})
            elif self.path == "/labels":
                self._send(HTTPStatus.OK, {"labels": list(LABELS), "definitions": DEFINITIONS})
            else:
                self._send(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {self.path}"})

        def do_POST(self):
            try:
                if self.path != "/classify":
                    raise RequestError(HTTPStatus.NOT_FOUND, f"no such endpoint: {self.path}")
                if not self.headers.get("Content-Type", "").startswith("application/json"):
                    raise RequestError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json")
                try:
                    length = int(self.headers.get("Content-Length", ""))
                except ValueError:
                    raise RequestError(HTTPStatus.LENGTH_REQUIRED, "Content-Length required") from None
                if length < 0 or length > MAX_BODY_BYTES:
                    self.close_connection = True  # do not read an oversized body
                    raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body larger than {MAX_BODY_BYTES} bytes")
                text, doc = parse_classify_request(self.rfile.read(length))
                with lock:
                    records = classifier.classify(text, doc)
                self._send(HTTPStatus.OK, {"doc": doc, "segments": [r.to_dict() for r in records]})
            except RequestError as exc:
                self._send(exc.status, {"error": str(exc)})
            except InputError as exc:
                self._send(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": str(exc)})

    return ThreadingHTTPServer((host, port), Handler)
