"""Tests for claimsift.reader: decoding, refusals, format sniffing, JSONL batches, size limit."""

from __future__ import annotations

import codecs
import json

import pytest

from claimsift import reader
from claimsift.reader import Document, InputError, decode_bytes, read_bytes, read_document


def test_utf8_bom_stripped_and_crlf_kept():
    assert decode_bytes(codecs.BOM_UTF8 + b"One.\r\nTwo.", "a.txt") == "One.\r\nTwo."


def test_utf16_with_bom():
    assert decode_bytes("Café. Two.".encode("utf-16"), "a.txt") == "Café. Two."


def test_legacy_encoding_detected():
    data = "Die Größe des Gefängnisses überrascht. Häftlinge müssen täglich schuften.".encode("latin-1")
    assert "Gefängnisses" in decode_bytes(data, "de.txt")


@pytest.mark.parametrize("data,fragment", [
    (b"", "empty"),
    (b" \n\t\r\n", "empty"),
    (b"abc\x00\x01\x02def", "binary"),
    (b"%PDF-1.7 rest", "PDF"),
    (b"PK\x03\x04 rest", "ZIP"),
    (bytes(range(1, 32)) * 10 + b"text", "binary"),
    (bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xC3, 0x28, 0xA0, 0xA1, 0xFF, 0xFE, 0xFD]) * 3, "UTF-8"),
])
def test_refusals_name_the_input(data, fragment):
    with pytest.raises(InputError) as exc:
        decode_bytes(data, "bad.txt")
    msg = str(exc.value)
    assert msg.startswith("bad.txt:") and fragment in msg and "\n" not in msg


def test_size_limit(monkeypatch, tmp_path):
    monkeypatch.setattr(reader, "MAX_INPUT_BYTES", 100)
    p = tmp_path / "big.txt"
    p.write_bytes(b"A sentence. " * 20)
    with pytest.raises(InputError, match="larger than the limit"):
        read_document(p)
    with pytest.raises(InputError, match="larger than the limit"):
        read_bytes(b"x" * 101, "-")


def test_read_document_checks_size_before_reading(monkeypatch, tmp_path):
    monkeypatch.setattr(reader, "MAX_INPUT_BYTES", 10)
    p = tmp_path / "big.txt"
    p.write_bytes(b"y" * 50)
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    with pytest.raises(InputError):
        read_document(p)
    assert not opened


def test_text_and_markdown(tmp_path):
    p = tmp_path / "story.md"
    p.write_text("# Title\n\nBody text.\n", encoding="utf-8")
    assert read_document(p) == [Document("story", "# Title\n\nBody text.\n", "markdown")]
    q = tmp_path / "notes.txt"
    q.write_text("Plain.", encoding="utf-8")
    assert read_document(q) == [Document("notes", "Plain.", "text")]
    assert read_bytes(b"Plain.", "-")[0].doc_id == "stdin"


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        read_document(tmp_path)


HTML = ("<!DOCTYPE html><html><head><title>T</title></head><body><nav>Home | News | Sport</nav><article>"
        "<h1>Guards beat detainees, report says</h1>"
        "<p>The report documents abuse in the prison over four months in 2025. It was released on Tuesday "
        "by two human rights groups after a year of interviews.</p>"
        "<p>“They hit us every day,” said one former detainee, who asked not to be named for his safety. "
        "The ministry denied the claims in a statement.</p></article>"
        "<footer>Copyright 2025 Example News</footer></body></html>")


def test_html_main_text(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(HTML, encoding="utf-8")
    [doc] = read_document(p)
    assert doc.format == "html" and doc.doc_id == "page"
    assert "The report documents abuse" in doc.text
    assert "Home | News" not in doc.text and "<p>" not in doc.text
    # sniffed from content too, and the offsets index the extracted text
    [doc2] = read_bytes(HTML.encode(), "-")
    assert doc2.format == "html" and doc2.text == doc.text


def test_html_without_main_text():
    with pytest.raises(InputError, match="no main text"):
        read_bytes(b"<html><body></body></html>", "empty.html")


def test_jsonl_batch(tmp_path):
    p = tmp_path / "batch.jsonl"
    p.write_text(json.dumps({"id": "a", "text": "One. Two."}) + "\n\n" + json.dumps({"id": 7, "text": "Three."}) + "\n",
                 encoding="utf-8")
    docs = read_document(p)
    assert [(d.doc_id, d.text, d.format) for d in docs] == [("a", "One. Two.", "text"), ("7", "Three.", "text")]


@pytest.mark.parametrize("lines,fragment", [
    (['{"id": "a", "text": "ok"}', "not json"], ":2: not valid JSON"),
    (['{"id": "a"}'], ":1: missing text"),
    (['["a", "b"]'], ":1: expected a JSON object"),
    (['{"id": "a", "text": "x"}', '{"id": "a", "text": "y"}'], ":2: duplicate id"),
    (['{"id": "a", "text": "   "}'], ":1: input is empty"),
    (['{"id": "a", "text": 5}'], ":1: \"text\" must be a string"),
])
def test_jsonl_errors_name_the_line(lines, fragment):
    with pytest.raises(InputError) as exc:
        read_bytes("\n".join(lines).encode(), "batch.jsonl")
    assert fragment in str(exc.value) and str(exc.value).startswith("batch.jsonl:")


def test_explicit_format_and_unknown_format():
    assert read_bytes(b"<html><p>x</p></html>", "a.txt", "text")[0].format == "text"
    with pytest.raises(InputError, match="unknown input format"):
        read_bytes(b"x", "a.txt", "pdf")
