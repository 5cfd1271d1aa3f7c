"""Rows in and records out for batch classification: JSONL or Parquet, streamed, never read whole.

Both batch engines (``claimsift.batch`` local, ``claimsift.batch_ray`` on Ray) read rows with
:func:`iter_rows` and write with :class:`OutputWriter` / :class:`ErrorWriter`, so they accept
the same rows, refuse the same rows with the same reasons, and write the same records.

A row is one JSONL line (blank lines included, so row ``n`` is line ``n + 1``) or one Parquet
row, numbered from 0. Rows are keyed by that number, never by ``id``: scraped archives repeat
ids, and a repeated id is classified again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimsift.labels import LABELS
from claimsift.reader import MAX_INPUT_BYTES, InputError, decode_bytes, html_main_text

__all__ = [
    "FORMATS", "InputRow", "BatchError", "input_kind", "check_input_file", "count_rows", "iter_rows", "jsonl_splits",
    "OutputWriter", "ErrorWriter", "DEFAULT_MAX_DOC_BYTES",
]

DEFAULT_MAX_DOC_BYTES = MAX_INPUT_BYTES
"""Largest document text (UTF-8 bytes) a batch row may hold: the same 10 MB as one ``classify`` input."""

FORMATS = ("text", "markdown", "html")
_READ_ROWS = 256  # Parquet rows per read: bounds memory to a few hundred documents


class BatchError(ValueError):
    """The job cannot run (unknown file type, unreadable input, mismatched resume); one line."""


@dataclass(frozen=True)
class InputRow:
    """One input row: a document to classify (``error`` None) or the reason it was refused."""

    row: int
    id: str | None
    text: str | None
    format: str | None
    error: str | None = None


def input_kind(path: str | Path) -> str:
    """``"jsonl"`` or ``"parquet"`` from the file extension; anything else is a :class:`BatchError`."""
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise BatchError(f"{path}: unknown file type {suffix or '(none)'!r}; use .jsonl or .parquet")


def check_input_file(path: Path) -> None:
    """Raise :class:`BatchError` unless ``path`` is an existing file."""
    if not path.exists():
        raise BatchError(f"{path}: no such file")
    if path.is_dir():
        raise BatchError(f"{path}: is a directory, not a file")


def _parquet_file(path: Path):
    import pyarrow.parquet as pq

    check_input_file(path)
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for non-Parquet bytes
        raise BatchError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    names = set(pf.schema_arrow.names)
    missing = [c for c in ("id", "text") if c not in names]
    if missing:
        raise BatchError(f"{path}: Parquet input has no column {', '.join(missing)} (needs id and text)")
    return pf


def count_rows(path: str | Path) -> int | None:
    """Rows in a Parquet file (from its footer); None for JSONL (unknown without a pass)."""
    if input_kind(path) == "parquet":
        return _parquet_file(Path(path)).metadata.num_rows
    return None


def validate(doc_id: Any, text: Any, fmt: Any, max_doc_bytes: int) -> tuple[str, str, str] | str:
    """``(id, text, format)`` ready to classify (HTML reduced to its main text), or the reason
    the row is refused (one line)."""
    if doc_id is None:
        return "missing id"
    if text is None:
        return "missing text"
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or not str(doc_id).strip():
        return '"id" must be a non-empty string or integer'
    if not isinstance(text, str):
        return '"text" must be a string'
    fmt = "text" if fmt is None else fmt
    if fmt not in FORMATS:
        return f"unknown format {fmt!r} (text, markdown or html)"
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > max_doc_bytes:
        return f"text is larger than the limit of {max_doc_bytes:,} bytes ({len(data):,} bytes)"
    try:
        # decode_bytes applies the reader's checks: empty, NUL/control characters, binary signatures.
        text = decode_bytes(data, "row")
        if fmt == "html":
            text = html_main_text(text, "row")
    except (InputError, UnicodeDecodeError) as exc:
        return str(exc).removeprefix("row: ")
    return str(doc_id), text, fmt


def _jsonl_row(row: int, line: bytes, max_doc_bytes: int) -> InputRow:
    if not line.strip():
        return InputRow(row, None, None, None, "empty line")
    try:
        rec = json.loads(line)
    except UnicodeDecodeError:
        return InputRow(row, None, None, None, "not valid UTF-8")
    except json.JSONDecodeError as exc:
        return InputRow(row, None, None, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(rec, dict):
        return InputRow(row, None, None, None, 'expected a JSON object with "id" and "text"')
    raw_id = rec.get("id")
    checked = validate(raw_id, rec.get("text"), rec.get("format"), max_doc_bytes)
    if isinstance(checked, str):
        shown = str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else None
        return InputRow(row, shown, None, None, checked)
    return InputRow(row, *checked)


def _line_cap(max_doc_bytes: int) -> int:
    # A JSON string may escape each byte as \u00XX (6 bytes); the text itself is checked exactly.
    return 6 * max_doc_bytes + 4096


def _iter_jsonl(path: Path, max_doc_bytes: int, want: Callable[[int], bool],
                start: int = 0, end: int | None = None, first_row: int = 0) -> Iterator[InputRow]:
    cap = _line_cap(max_doc_bytes)
    with open(path, "rb") as fh:
        fh.seek(start)
        row = first_row
        while end is None or fh.tell() < end:
            line = fh.readline(cap + 1)
            if not line:
                break
            oversized = len(line) > cap
            while oversized and not line.endswith(b"\n"):  # drain the rest of the line unread
                line = fh.readline(1 << 20)
                if not line:
                    break
            if want(row):
                if oversized:
                    yield InputRow(row, None, None, None, f"line is longer than {cap:,} bytes (text limit {max_doc_bytes:,})")
                else:
                    yield _jsonl_row(row, line, max_doc_bytes)
            row += 1


def _iter_parquet(path: Path, max_doc_bytes: int, want: Callable[[int], bool],
                  row_groups: list[int] | None = None, first_row: int = 0) -> Iterator[InputRow]:
    pf = _parquet_file(path)
    columns = ["id", "text"] + (["format"] if "format" in pf.schema_arrow.names else [])
    row = first_row
    for batch in pf.iter_batches(batch_size=_READ_ROWS, columns=columns, row_groups=row_groups):
        cols = {name: batch.column(name) for name in columns}
        for i in range(batch.num_rows):
            if want(row):
                raw_id = cols["id"][i].as_py()
                try:
                    text = cols["text"][i].as_py()
                except UnicodeDecodeError:  # a string column holding invalid UTF-8
                    text = b""
                fmt = cols["format"][i].as_py() if "format" in cols else None
                checked = validate(raw_id, text, fmt, max_doc_bytes)
                if isinstance(checked, str):
                    shown = str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else None
                    yield InputRow(row, shown, None, None, checked)
                else:
                    yield InputRow(row, *checked)
            row += 1


def iter_rows(path: str | Path, max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES,
              want: Callable[[int], bool] | None = None) -> Iterator[InputRow]:
    """Stream the rows of a JSONL or Parquet file, each checked; rows for which ``want(row)`` is
    False are passed over without being parsed (a resumed job skips finished rows this way).

    Raises:
        BatchError: the file is missing, of unknown type, or a Parquet file without id/text.
    """
    path = Path(path)
    want = want or (lambda _row: True)
    if input_kind(path) == "parquet":
        _parquet_file(path)  # fail now, not at the first row, on a bad file
        return _iter_parquet(path, max_doc_bytes, want)
    check_input_file(path)
    return _iter_jsonl(path, max_doc_bytes, want)


def jsonl_splits(path: str | Path, target_bytes: int) -> list[tuple[int, int, int]]:
    """Cut a JSONL file into ``(start_byte, end_byte, first_row)`` pieces of about
    ``target_bytes``, each starting at a line start, by one cheap pass counting newlines."""
    path = Path(path)
    size = os.path.getsize(path)
    splits, start, row = [], 0, 0
    with open(path, "rb") as fh:
        while start < size:
            end = min(start + max(1, target_bytes), size)
            if end < size:
                fh.seek(end - 1)
                while True:  # finish the line the piece ends in, 1 MiB at a time
                    part = fh.readline(1 << 20)
                    if not part or part.endswith(b"\n"):
                        break
                end = fh.tell()
            fh.seek(start)
            n, left, last = 0, end - start, b""
            while left:
                block = fh.read(min(1 << 20, left))
                n += block.count(b"\n")
                left -= len(block)
                last = block[-1:]
            if end == size and last != b"\n":
                n += 1  # a last line without a final newline is still a row
            splits.append((start, end, row))
            row, start = row + n, end
    return splits


def iter_split(path: str | Path, split: tuple, max_doc_bytes: int) -> Iterator[InputRow]:
    """The rows of one piece from :func:`jsonl_splits` or :func:`parquet_splits`."""
    path = Path(path)
    if input_kind(path) == "parquet":
        row_groups, first_row = split
        return _iter_parquet(path, max_doc_bytes, lambda _r: True, row_groups=list(row_groups), first_row=first_row)
    start, end, first_row = split
    return _iter_jsonl(path, max_doc_bytes, lambda _r: True, start=start, end=end, first_row=first_row)


def parquet_splits(path: str | Path, target_rows: int) -> list[tuple[tuple[int, ...], int]]:
    """Group a Parquet file's row groups into ``(row_groups, first_row)`` pieces of about
    ``target_rows`` rows (from the footer; nothing is read)."""
    meta = _parquet_file(Path(path)).metadata
    pieces, groups, first, row = [], [], 0, 0
    for g in range(meta.num_row_groups):
        if not groups:
            first = row
        groups.append(g)
        row += meta.row_group(g).num_rows
        if row - first >= target_rows:
            pieces.append((tuple(groups), first))
            groups = []
    if groups:
        pieces.append((tuple(groups), first))
    return pieces


# ---- output ---------------------------------------------------------------------------------

def _segment_type():
    import pyarrow as pa

    scores = pa.struct([(name, pa.float64()) for name in LABELS])
    return [
        ("doc", pa.string()), ("index", pa.int32()), ("start", pa.int64()), ("end", pa.int64()),
        ("text", pa.string()), ("body", pa.bool_()), ("label", pa.string()), ("scores", scores),
        ("reason", pa.string()), ("in_quote", pa.bool_()), ("speaker", pa.string()), ("cue", pa.string()),
    ]


def output_schema(explode: bool):
    """Arrow schema of the output: one row per document with its ``segments``, or (``explode``)
    one row per segment. ``row`` is the input row number, ``id`` the document id."""
    import pyarrow as pa

    head = [("row", pa.int64()), ("id", pa.string()), ("format", pa.string())]
    if explode:
        return pa.schema(head + _segment_type())
    return pa.schema(head + [("segments", pa.list_(pa.struct(_segment_type())))])


class OutputWriter:
    """Writes classified documents to a JSONL or Parquet file (by ``kind``), streaming.

    Records match the classifier contract: ``{"row", "id", "format", "segments": [...]}`` with
    each segment as ``ClassifiedSegment.to_dict()``, or with ``explode`` one record per segment
    ``{"row", "id", "format", **segment}``.
    """

    def __init__(self, path: str | Path, kind: str, explode: bool = False, buffer_rows: int = 2048):
        self.path, self.kind, self.explode = Path(path), kind, explode
        self.documents = self.segments = 0
        self._buffer: list[dict] = []
        self._buffer_rows = buffer_rows
        if kind == "jsonl":
            self._fh = open(self.path, "w", encoding="utf-8")
        else:
            import pyarrow.parquet as pq

            self._schema = output_schema(explode)
            self._pq = pq.ParquetWriter(self.path, self._schema, compression="zstd")

    def write(self, row: int, doc_id: str, fmt: str, segments: list[dict]) -> None:
        """One classified document (its segments as dicts)."""
        self.documents += 1
        self.segments += len(segments)
        head = {"row": row, "id": doc_id, "format": fmt}
        records = [{**head, **s} for s in segments] if self.explode else [{**head, "segments": segments}]
        if self.kind == "jsonl":
            for rec in records:
                self._fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            return
        self._buffer.extend(records)
        if len(self._buffer) >= self._buffer_rows:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            import pyarrow as pa

            self._pq.write_table(pa.Table.from_pylist(self._buffer, schema=self._schema))
            self._buffer = []

    def close(self) -> None:
        """Flush and close; the data is on disk (fsync) when this returns."""
        if self.kind == "jsonl":
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
        else:
            self._flush()
            self._pq.close()
            _fsync_path(self.path)


class ErrorWriter:
    """The errors file, always JSONL: ``{"row", "line", "id", "reason"}`` per refused row
    (``line`` is the JSONL line number, None for Parquet; ``id`` None when unreadable)."""

    def __init__(self, path: str | Path, input_is_jsonl: bool):
        self.path = Path(path)
        self.count = 0
        self._jsonl = input_is_jsonl
        self._fh = open(self.path, "w", encoding="utf-8")

    def write(self, row: int, doc_id: str | None, reason: str) -> None:
        self.count += 1
        rec = {"row": row, "line": row + 1 if self._jsonl else None, "id": doc_id, "reason": reason}
        self._fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
