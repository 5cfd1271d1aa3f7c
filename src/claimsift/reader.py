"""Read documents for segmentation: plain text, Markdown, HTML (main text) and JSONL batches.

Every error is an :class:`InputError` with a one-line message that names the input. Limits and
rules (see docs/segmentation.md):

* at most ``MAX_INPUT_BYTES`` bytes per input (checked with ``os.stat`` before reading, and by a
  bounded read for streams), so memory stays bounded;
* UTF-8 with or without BOM; UTF-16/32 with BOM; other encodings only when charset-normalizer
  detects them confidently, else refused; CRLF line ends are kept as they are (offsets index
  the decoded text);
* empty or whitespace-only input, binary input (NUL bytes, control characters, known binary
  signatures) and undecodable input are refused;
* HTML is reduced to its main text with trafilatura (claimsift.webpage): the offsets of the
  segments then index that extracted text, which ``Document.text`` holds; ``Document.hints``
  records what the page's structure says about each of its lines.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MAX_INPUT_BYTES", "InputError", "Document", "decode_bytes", "read_bytes", "read_document"]

MAX_INPUT_BYTES: int = 10_000_000
"""Largest input accepted, in bytes (10 MB): a file, a stdin stream or a whole JSONL batch."""

FORMATS = ("text", "markdown", "html", "jsonl")
_MAX_CONTROL_RATIO = 0.01     # share of C0 control characters (other than \t \n \r \f \v) tolerated
_MAX_CHAOS = 0.2              # charset-normalizer "chaos" (mess) above which a guess is refused
_BINARY_SIGNATURES = {
    b"%PDF": "a PDF file",
    b"PK\x03\x04": "a ZIP archive (e.g. .docx, .xlsx, .epub)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an MS Office (OLE) file",
    b"\x7fELF": "an executable",
    b"MZ\x90\x00": "an executable",
}
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class InputError(ValueError):
    """A document that cannot be read; the message is one line and names the input."""


@dataclass
class Document:
    doc_id: str
    text: str
    format: str  # "text" | "markdown" | "html"
    hints: list | None = None  # HTML only: one claimsift.pagetext.LineHints per line of text


def _label(name: str) -> str:
    return "stdin" if name in ("-", "") else str(name)


def _check_text(text: str, label: str) -> str:
    if not text.strip():
        raise InputError(f"{label}: input is empty or contains only whitespace")
    if "\x00" in text:
        raise InputError(f"{label}: looks like binary data (NUL characters); give a text, Markdown, HTML or JSONL file")
    n_ctrl = len(_CONTROL.findall(text[:1_000_000]))
    if n_ctrl > _MAX_CONTROL_RATIO * min(len(text), 1_000_000):
        raise InputError(f"{label}: looks like binary data ({n_ctrl} control characters); give a text, Markdown, HTML or JSONL file")
    return text


def decode_bytes(data: bytes, name: str) -> str:
    """Decode ``data`` to text: BOM stripped, CRLF kept; refuse empty, binary, undecodable input."""
    label = _label(name)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{label}: input is larger than the limit of {MAX_INPUT_BYTES:,} bytes")
    if not data.strip():
        raise InputError(f"{label}: input is empty or contains only whitespace")
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"{label}: starts with a {enc} byte-order mark but is not valid {enc} "
                                 f"(byte {exc.start})") from None
            if text.startswith("\ufeff"):
                text = text[1:]
            return _check_text(text, label)
    for sig, what in _BINARY_SIGNATURES.items():
        if data.startswith(sig):
            raise InputError(f"{label}: looks like {what}, not text; extract its text first")
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise InputError(f"{label}: looks like binary data (NUL bytes); give a text, Markdown, HTML or JSONL file")
        return _check_text(text, label)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        guess = _detect(data)
        if guess is None:
            raise InputError(f"{label}: not valid UTF-8 (bad byte at offset {exc.start}) and its encoding could not "
                             f"be detected with confidence; save it as UTF-8") from None
        text = guess[1]
    return _check_text(text, label)


_PREFERRED = ("utf_8", "cp1252", "latin_1", "iso8859_15", "cp1251", "cp1250")
_MULTIBYTE = ("cp932", "shift_jis", "euc_jp", "iso2022_jp", "gb2312", "gb18030", "gbk", "big5", "big5hkscs",
              "euc_kr", "cp949", "cp950")


def _detect(data: bytes) -> tuple[str, str] | None:
    """(encoding, text) when charset-normalizer is confident, else None.

    Confident means: little "chaos" (mess) in the decoded text and some language coherence, or
    a multibyte East Asian codec that decodes without any mess. Among equally clean guesses the
    common Western codecs are preferred (charset-normalizer ranks cp1250 first on short French
    or German text, for instance).
    """
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        return None
    results = list(from_bytes(data))
    if not results:
        return None
    best_chaos = min(r.chaos for r in results)
    clean = [r for r in results if r.chaos <= best_chaos + 0.01]
    clean.sort(key=lambda r: (_PREFERRED.index(r.encoding) if r.encoding in _PREFERRED else len(_PREFERRED)))
    pick = clean[0]
    confident = pick.chaos <= _MAX_CHAOS and (pick.coherence > 0.0 or (pick.encoding in _MULTIBYTE and pick.chaos == 0.0))
    if not confident:
        return None
    try:
        return pick.encoding, str(pick)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Decode BOM-less UTF-16 whose text is mostly ASCII (every other byte NUL), else None."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, enc in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                return None
    return None


def _doc_id(name: str) -> str:
    if name in ("-", ""):
        return "stdin"
    stem = Path(name).stem
    return stem or "stdin"


def _sniff(data: bytes, name: str) -> str:
    suffix = Path(name).suffix.lower() if name not in ("-", "") else ""
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    head = data[:4096]
    for bom in (codecs.BOM_UTF8,):
        if head.startswith(bom):
            head = head[len(bom):]
    if _HTML_START.match(head):
        return "html"
    return "text"


def html_main_text(html: str, label: str) -> str:
    """The main text of an HTML page (trafilatura), paragraphs and headings one per line."""
    return html_page(html, label)[0]


def html_page(html: str, label: str) -> tuple[str, list]:
    """Main text of an HTML page and one line hint per line of it (see claimsift.webpage)."""
    from claimsift.webpage import extract_page

    page = extract_page(html)
    if page is None or not page.text.strip():
        raise InputError(f"{label}: no main text found in the HTML")
    return page.text, page.hints


def _html_document(doc_id: str, html: str, label: str) -> Document:
    text, hints = html_page(html, label)
    return Document(doc_id=doc_id, text=text, format="html", hints=hints)


def _read_jsonl(text: str, label: str) -> list[Document]:
    docs: list[Document] = []
    seen: set[str] = set()
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{label}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(rec, dict):
            raise InputError(f"{label}:{lineno}: expected a JSON object with \"id\" and \"text\"")
        if "id" not in rec or "text" not in rec:
            missing = ", ".join(k for k in ("id", "text") if k not in rec)
            raise InputError(f"{label}:{lineno}: missing {missing}")
        doc_id, body = rec["id"], rec["text"]
        if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or not str(doc_id).strip():
            raise InputError(f"{label}:{lineno}: \"id\" must be a non-empty string or integer")
        doc_id = str(doc_id)
        if doc_id in seen:
            raise InputError(f"{label}:{lineno}: duplicate id {doc_id!r}")
        seen.add(doc_id)
        if not isinstance(body, str):
            raise InputError(f"{label}:{lineno}: \"text\" must be a string")
        fmt = rec.get("format", "text")
        if fmt not in ("text", "markdown", "html"):
            raise InputError(f"{label}:{lineno}: unknown format {fmt!r} (text, markdown or html)")
        where = f"{label}:{lineno}"
        _check_text(body, where)
        if fmt == "html":
            docs.append(_html_document(doc_id, body, where))
            continue
        docs.append(Document(doc_id=doc_id, text=body, format=fmt))
    if not docs:
        raise InputError(f"{label}: the JSONL batch holds no documents")
    return docs


def read_bytes(data: bytes, name: str, fmt: str | None = None) -> list[Document]:
    """Documents in ``data``; ``fmt`` None sniffs the format from ``name`` and the content."""
    label = _label(name)
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"{label}: unknown input format {fmt!r} (one of {', '.join(FORMATS)})")
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{label}: input is larger than the limit of {MAX_INPUT_BYTES:,} bytes")
    fmt = fmt or _sniff(data, name)
    text = decode_bytes(data, name)
    if fmt == "jsonl":
        return _read_jsonl(text, label)
    if fmt == "html":
        return [_html_document(_doc_id(name), text, label)]
    return [Document(doc_id=_doc_id(name), text=text, format=fmt)]


def read_document(path: str | Path, fmt: str | None = None) -> list[Document]:
    """Read a file (or ``-`` for stdin), checking its size before reading it."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        return read_bytes(data, "-", fmt)
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a file")
    if st.st_size > MAX_INPUT_BYTES:
        raise InputError(f"{p}: input is larger than the limit of {MAX_INPUT_BYTES:,} bytes ({st.st_size:,} bytes)")
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    return read_bytes(data, str(p), fmt)
