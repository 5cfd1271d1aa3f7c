"""Inline authoring format: write a document with its labels in one file, then import it.

A source file holds one JSON metadata object on its first line, then the document text in
which every body sentence is wrapped in a label tag: ``<f>...</f>`` (finding), ``<t>...</t>``
(testimony) or ``<a>...</a>`` (argument). Untagged text (headings, bylines, link lists) is
non-body. Importing strips the tags, writes ``data/raw/<id>.txt`` and stand-off spans
``data/annotations/<id>.jsonl`` (``{"doc", "start", "end", "label"}``), and records the
metadata. Usage::

    python -m claimsift.authoring check SRC...
    python -m claimsift.authoring import SRC... [--raw-dir data/raw]
        [--ann-dir data/annotations] [--meta data/documents.jsonl]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from claimsift.labels import TAGS

_TAG = re.compile(r"<(/?)([fta])>")
REQUIRED_META = ("id", "genre", "topic", "country", "written_for_project")
_DOC_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


class AuthoringError(ValueError):
    """A source file that cannot be imported; the message names the file and line."""


@dataclass
class AuthoredDocument:
    """A parsed source: ``meta`` (dict), plain ``text`` and ``spans`` [(start, end, label)]."""

    meta: dict
    text: str
    spans: list[tuple[int, int, str]]


def parse_source(source: str, name: str = "<source>") -> AuthoredDocument:
    """Parse one inline-tagged source string. Raises ``AuthoringError`` on any defect."""
    first, sep, body = source.partition("\n")
    try:
        meta = json.loads(first)
    except json.JSONDecodeError as exc:
        raise AuthoringError(f"{name}:1: first line must be a JSON metadata object ({exc})") from None
    if not isinstance(meta, dict):
        raise AuthoringError(f"{name}:1: metadata must be a JSON object")
    missing = [k for k in REQUIRED_META if k not in meta]
    if missing:
        raise AuthoringError(f"{name}:1: metadata lacks {', '.join(missing)}")
    if not _DOC_ID.match(str(meta["id"])):
        raise AuthoringError(f"{name}:1: bad document id {meta['id']!r}")
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0  # position in the tagged body
    length = 0  # length of the stripped text so far
    open_tag: tuple[str, int, int] | None = None  # (tag, stripped start, source line)
    for m in _TAG.finditer(body):
        out.append(body[pos : m.start()])
        length += m.start() - pos
        pos = m.end()
        line = body.count("\n", 0, m.start()) + 2
        closing, tag = m.group(1) == "/", m.group(2)
        if not closing:
            if open_tag is not None:
                raise AuthoringError(f"{name}:{line}: <{tag}> opened inside <{open_tag[0]}> (line {open_tag[2]})")
            open_tag = (tag, length, line)
        else:
            if open_tag is None or open_tag[0] != tag:
                raise AuthoringError(f"{name}:{line}: </{tag}> closes nothing")
            start = open_tag[1]
            if length == start:
                raise AuthoringError(f"{name}:{line}: empty <{tag}> span")
            spans.append((start, length, TAGS[tag]))
            open_tag = None
    if open_tag is not None:
        raise AuthoringError(f"{name}:{open_tag[2]}: <{open_tag[0]}> never closed")
    out.append(body[pos:])
    text = "".join(out)
    # Trim whitespace inside spans so offsets hug the sentence.
    trimmed = []
    for start, end, label in spans:
        seg = text[start:end]
        start += len(seg) - len(seg.lstrip())
        end -= len(seg) - len(seg.rstrip())
        trimmed.append((start, end, label))
    return AuthoredDocument(meta=meta, text=text, spans=trimmed)


def import_sources(paths: list[Path], raw_dir: Path, ann_dir: Path, meta_path: Path | None) -> list[str]:
    """Import sources; refuse to overwrite a raw file whose text differs. Returns the doc ids."""
    docs = []
    for path in paths:
        doc = parse_source(path.read_text(encoding="utf-8"), str(path))
        raw_path = raw_dir / f"{doc.meta['id']}.txt"
        if raw_path.exists() and raw_path.read_text(encoding="utf-8") != doc.text:
            raise AuthoringError(f"{path}: stripped text differs from existing {raw_path}; raw data is immutable")
        docs.append((doc, raw_path))
    ann_dir.mkdir(parents=True, exist_ok=True)
    for doc, raw_path in docs:
        if not raw_path.exists():
            raw_path.parent.mkdir(parents=True, exist_ok=True)
            raw_path.write_text(doc.text, encoding="utf-8")
        doc_id = doc.meta["id"]
        with open(ann_dir / f"{doc_id}.jsonl", "w", encoding="utf-8") as fh:
            for start, end, label in doc.spans:
                fh.write(json.dumps({"doc": doc_id, "start": start, "end": end, "label": label}) + "\n")
    if meta_path is not None:
        records = {}
        if meta_path.exists():
            for line in meta_path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    records[rec["id"]] = rec
        for doc, _ in docs:
            records[doc.meta["id"]] = doc.meta
        with open(meta_path, "w", encoding="utf-8") as fh:
            for key in sorted(records):
                fh.write(json.dumps(records[key], ensure_ascii=False) + "\n")
    return [doc.meta["id"] for doc, _ in docs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m claimsift.authoring", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["check", "import"])
    parser.add_argument("sources", nargs="+", type=Path)
    parser.add_argument("--raw-dir", type=Path, default=Path("data/raw"))
    parser.add_argument("--ann-dir", type=Path, default=Path("data/annotations"))
    parser.add_argument("--meta", type=Path, default=Path("data/documents.jsonl"))
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            for path in args.sources:
                doc = parse_source(path.read_text(encoding="utf-8"), str(path))
                counts = {lab: sum(1 for s in doc.spans if s[2] == lab) for lab in TAGS.values()}
                print(f"{path}: ok, {len(doc.spans)} spans {counts}")
        else:
            ids = import_sources(args.sources, args.raw_dir, args.ann_dir, args.meta)
            print(f"imported {len(ids)} documents")
    except (AuthoringError, OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
