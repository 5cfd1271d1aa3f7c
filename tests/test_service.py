import http.client
import json
import threading

import pytest

from claimsift import Classifier
from claimsift.service import MAX_BODY_BYTES, MAX_TEXT_CHARS, make_server
from tests.test_classifier import TEXT, tfidf_dir  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def server(tfidf_dir):  # noqa: F811
    srv = make_server(Classifier.load(tfidf_dir), "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()
    srv.server_close()


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = json.loads(resp.read())
    conn.close()
    return resp.status, data


def post(port, obj, **kw):
    body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return request(port, "POST", "/classify", body, {"Content-Type": "application/json", **kw})


def test_health_and_labels(server):
    assert request(server, "GET", "/health") == (200, {"status": "ok", "model": "tfidf"})
    status, data = request(server, "GET", "/labels")
    assert status == 200 and data["labels"] == ["finding", "testimony", "argument"]


def test_classify(server):
    status, data = post(server, {"text": TEXT, "doc": "a1"})
    assert status == 200 and data["doc"] == "a1"
    assert [s["label"] for s in data["segments"] if s["body"]] == ["finding", "testimony", "argument"]
    assert all(TEXT[s["start"] : s["end"]] == s["text"] for s in data["segments"])


@pytest.mark.parametrize(
    "body, status, message",
    [
        (b"{not json", 400, "JSON"),
        (b"\xff\xfe", 400, "UTF-8"),
        ([1, 2], 400, "object"),
        ({"text": 5}, 400, "'text' must be a string"),
        ({"text": "   "}, 422, "empty"),
        ({"text": "a\x00b"}, 422, "NUL"),
        ({"text": "ok.", "doc": "../etc"}, 400, "'doc'"),
        ({"text": "ok.", "extra": 1}, 400, "unknown field"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, 413, "longer than"),
    ],
)
def test_bad_requests(server, body, status, message):
    got, data = post(server, body)
    assert got == status and message in data["error"]


def test_protocol_bounds(server):
    assert request(server, "POST", "/classify", b"{}", {"Content-Type": "text/plain"})[0] == 415
    assert request(server, "POST", "/nowhere", b"{}", {"Content-Type": "application/json"})[0] == 404
    assert request(server, "GET", "/nowhere")[0] == 404
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    conn.putrequest("POST", "/classify")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(MAX_BODY_BYTES + 1))
    conn.endheaders()  # the oversized body is never sent: the server must answer without it
    resp = conn.getresponse()
    assert resp.status == 413
    conn.close()
