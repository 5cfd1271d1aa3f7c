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
    replaced: int = 0  # invalid UTF-8 sequences replaced by U+FFFD (only with errors="replace")


def _label(name: str) -> str:
    return "stdin" if name in ("-", "") else str(name)


_SURROGATE = re.compile("[\ud800-\udfff]")


def find_surrogate(text: str) -> int | None:
    """Index of the first lone surrogate in ``text`` (JSON can encode them, UTF-8 cannot), or None."""
    m = _SURROGATE.search(text)
    return m.start() if m else None


def _check_text(text: str, label: str) -> str:
    if not text.strip():
        raise InputError(f"{label}: input is empty or contains only whitespace")
    if "\x00" in text:
        raise InputError(f"{label}: looks like binary data (NUL characters); give a text, Markdown, HTML or JSONL file")
    n_ctrl = len(_CONTROL.findall(text[:1_000_000]))
    if n_ctrl > _MAX_CONTROL_RATIO * min(len(text), 1_000_000):
        raise InputError(f"{label}: looks like binary data ({n_ctrl} control characters); give a text, Markdown, HTML or JSONL file")
    return text


ENCODING_ERRORS = ("strict", "replace")


def decode_bytes(data: bytes, name: str, errors: str = "strict") -> str:
    """Decode ``data`` to text: BOM stripped, CRLF kept; refuse empty, binary, undecodable input.

    Input that is not UTF-8 is decoded as another encoding only on strong evidence (see
    ``_plausible_legacy``); otherwise it is refused, naming the offset of the first invalid byte.
    ``errors="replace"`` instead decodes it as UTF-8 with U+FFFD for each invalid sequence.
    """
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
        if errors == "replace":
            return _check_text(data.decode("utf-8", errors="replace"), label)
        guess = _detect(data)
        if guess is None or not _strong_evidence(data, guess[1]):
            raise InputError(f"{label}: not valid UTF-8 (first invalid byte at offset {exc.start}) and no other encoding "
                             f"is evident; save it as UTF-8, or pass --encoding-errors replace") from None
        text = guess[1]
    return _check_text(text, label)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_LEGACY_PUNCT = frozenset("‘’‚“”„–—…«»‹›€£¥¢©®°±·•§¶×÷¿¡\u00a0ºª²³¹½¼¾´¨¸")


_HIGH_BYTES = bytes(range(0x80, 0x100))


def _strong_evidence(data: bytes, text: str) -> bool:
    """Whether the legacy decode ``text`` of non-UTF-8 ``data`` is well supported.

    Yes when a large share of the bytes is non-ASCII (Cyrillic, Greek, CJK text: the
    detector's own evidence is then strong). In mostly-ASCII data: no when it holds valid
    multibyte UTF-8 sequences (it is damaged UTF-8, not another encoding); else yes only when
    every non-ASCII character is typographic punctuation or an accented letter touching an
    ASCII letter, at most two in a row ("Größe", "café"). A few random bytes in ASCII text
    ("ÿþÃ(") fail this.
    """
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    if non_ascii >= 0.3 * len(data):
        return True
    if _UTF8_MULTIBYTE.search(data):
        return False
    for m in _NON_ASCII_RUN.finditer(text):
        run = m.group()
        if all(c in _LEGACY_PUNCT for c in run):
            continue
        if len(run) > 2 or not all(c.isalpha() for c in run):
            return False
        a, b = m.start(), m.end()
        left = text[a - 1] if a > 0 else ""
        right = text[b] if b < len(text) else ""
        if not ((left.isascii() and left.isalpha()) or (right.isascii() and right.isalpha())):
            return False
    return True


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


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


def html_page(html: str, label: str) -> tuple[str, list | None]:
    """Main text of an HTML page and one line hint per line of it (see claimsift.webpage).

    When trafilatura gives up (pages nested deeper than libxml2's limit of about 255 levels,
    some malformed markup), all the visible text is used instead, one block per line, without
    hints.
    """
    from claimsift.webpage import extract_page

    try:
        page = extract_page(html)
    except (RecursionError, ValueError):  # lxml/trafilatura give up on some malformed pages
        page = None
    if page is not None and page.text.strip():
        return page.text, page.hints
    text = html_plain_text(html)
    if not text.strip():
        raise InputError(f"{label}: no main text found in the HTML")
    return text, None


def _html_document(doc_id: str, html: str, label: str) -> Document:
    text, hints = html_page(html, label)
    return Document(doc_id=doc_id, text=text, format="html", hints=hints)


_BLOCK_TAGS = frozenset("""address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3
h4 h5 h6 header hr li main nav ol p pre section table td th tr ul""".split())
_HIDDEN_TAGS = frozenset("script style noscript template head title svg".split())


def html_plain_text(html: str) -> str:
    """Visible text of an HTML page with the standard library parser (iterative, so any depth),
    a line per block element, whitespace inside a line collapsed."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.lines: list[str] = []
            self.parts: list[str] = []
            self.hidden = 0

        def _break(self) -> None:
            line = " ".join("".join(self.parts).split())
            if line:
                self.lines.append(line)
            self.parts = []

        def handle_starttag(self, tag, attrs):
            if tag in _HIDDEN_TAGS:
                self.hidden += 1
            elif tag in _BLOCK_TAGS:
                self._break()

        def handle_endtag(self, tag):
            if tag in _HIDDEN_TAGS:
                self.hidden = max(0, self.hidden - 1)
            elif tag in _BLOCK_TAGS:
                self._break()

        def handle_data(self, data):
            if not self.hidden:
                self.parts.append(data)

    parser = _Text()
    parser.feed(html)
    parser.close()
    parser._break()
    return "\n".join(parser.lines)


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
        except RecursionError:
            raise InputError(f"{label}:{lineno}: JSON nested too deeply") from None
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
        bad = find_surrogate(body)
        if bad is not None or find_surrogate(doc_id) is not None:
            where_bad = f"\"text\" at character {bad}" if bad is not None else "\"id\""
            raise InputError(f"{label}:{lineno}: {where_bad} holds a lone surrogate escape (\\ud800-\\udfff), not text")
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


def read_bytes(data: bytes, name: str, fmt: str | None = None, errors: str = "strict") -> list[Document]:
    """Documents in ``data``; ``fmt`` None sniffs the format from ``name`` and the content.
    ``errors`` is ``decode_bytes``'s (``"replace"`` sets ``Document.replaced``)."""
    label = _label(name)
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"{label}: unknown input format {fmt!r} (one of {', '.join(FORMATS)})")
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{label}: input is larger than the limit of {MAX_INPUT_BYTES:,} bytes")
    if errors not in ENCODING_ERRORS:
        raise InputError(f"{label}: unknown encoding-errors mode {errors!r} (one of {', '.join(ENCODING_ERRORS)})")
    fmt = fmt or _sniff(data, name)
    text = decode_bytes(data, name, errors)
    replaced = text.count("\ufffd") - data.count("\ufffd".encode()) if errors == "replace" else 0
    if fmt == "jsonl":
        docs = _read_jsonl(text, label)
    elif fmt == "html":
        docs = [_html_document(_doc_id(name), text, label)]
    else:
        docs = [Document(doc_id=_doc_id(name), text=text, format=fmt)]
    if replaced > 0:
        for doc in docs:
            doc.replaced = replaced
    return docs


def read_document(path: str | Path, fmt: str | None = None, errors: str = "strict") -> list[Document]:
    """Read a file (or ``-`` for stdin), checking its size before reading it."""
    if str(path) == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # `claimsift ... - <&-`: Python sets sys.stdin to None
            raise InputError("stdin: standard input is closed")
        try:
            data = stream.read(MAX_INPUT_BYTES + 1)
        except (OSError, ValueError) as exc:
            raise InputError(f"stdin: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
        return read_bytes(data, "-", fmt, errors)
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
    return read_bytes(data, str(p), fmt, errors)
