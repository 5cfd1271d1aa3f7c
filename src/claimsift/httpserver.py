"""Run the service with uvicorn, with a deadline for request headers.

uvicorn arms no timer on a connection until it has answered a request, so a client that never
finishes its headers (slowloris) keeps a connection forever. :class:`HeaderDeadlineProtocol`
closes a connection whose request line and headers are not complete within
``header_timeout_s`` of the connection opening or the previous answer (408, then close). The
body and the answer are bounded by the app's own request deadline (``Settings.request_timeout_s``).
"""

from __future__ import annotations

import asyncio
from functools import partial

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HeaderDeadlineProtocol", "serve"]

_408 = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
        b"content-length: 49\r\n\r\n" b'{"error": "request headers not received in time"}')


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol plus a header deadline (seconds, ``header_timeout_s``)."""

    header_timeout_s: float = 10.0

    def __init__(self, *args, header_timeout_s: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if header_timeout_s is not None:
            self.header_timeout_s = header_timeout_s
        self._header_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self.transport.write(_408)
            self.transport.close()

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_timer is None:
            self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The next request on a kept-alive connection gets its own deadline when it begins;
        # until then uvicorn's keep-alive timer closes an idle connection.

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def serve(app, host: str = "127.0.0.1", port: int = 8000, header_timeout_s: float = 10.0,
          keep_alive_s: float = 5.0, log_level: str = "warning") -> None:
    """Serve ``app`` until interrupted (one process; the model batches requests itself)."""
    protocol = partial(HeaderDeadlineProtocol, header_timeout_s=header_timeout_s)
    config = uvicorn.Config(app, host=host, port=port, http=protocol, loop="asyncio", lifespan="on",
                            timeout_keep_alive=int(keep_alive_s), log_level=log_level, access_log=False,
                            server_header=False)
    uvicorn.Server(config).run()
