"""Command line: ``claimsift classify|batch|segment PATH... | -``, ``claimsift serve`` and
``claimsift export-model MODEL_DIR OUT_DIR``.

Inputs are files, globs (``'data/*.html'``, expanded here when the shell did not) or ``-`` for
standard input; JSONL batches hold one document a line. The model loads once and documents
stream through ``Classifier.classify_many``.

Exit codes (the same for ``classify``, ``batch`` and ``segment``):

* 0 every input was classified (or segmented);
* 1 some input was refused (each named on stderr with the reason); the rest were processed
  and written;
* 2 usage error, or no usable model.
"""

from __future__ import annotations

import argparse
import glob
import itertools
import json
import os
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator

from claimsift import __version__

MODEL_ENV = "CLAIMSIFT_MODEL"
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
FORMATS = ["text", "markdown", "html", "jsonl"]


class UsageError(Exception):
    """Bad arguments or no usable model: exit code 2."""


def default_model_dir() -> Path:
    """``$CLAIMSIFT_MODEL``, else ``models/transformer`` of the claimsift project the working
    directory is in, else of the checkout this package runs from; ``UsageError`` if none."""
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV])
    here = Path.cwd().resolve()
    package_checkout = Path(__file__).resolve().parents[2]
    for root in [here, *here.parents, package_checkout]:
        if (root / "dvc.yaml").is_file() and (root / "src" / "claimsift").is_dir():
            model = root / "models" / "transformer"
            if (model / "claimsift.json").is_file():
                return model
            raise UsageError(f"no trained model in {model}: run `dvc repro` in {root}, or pass --model DIR "
                             f"or set {MODEL_ENV}=DIR to a model directory")
    raise UsageError(f"no model given: pass --model DIR or set {MODEL_ENV}=DIR to a trained model directory "
                     "(see README, 'Get a trained model')")


def expand_inputs(patterns: list[str], refuse: Callable[[str], None]) -> list[str]:
    """Paths in order: ``-`` kept, globs expanded (sorted), a glob matching nothing refused."""
    paths: list[str] = []
    for pattern in patterns:
        if pattern != "-" and glob.has_magic(pattern) and not Path(pattern).exists():
            matches = sorted(glob.glob(pattern, recursive=True))
            if not matches:
                refuse(f"{pattern}: no file matches")
            paths += matches
        else:
            paths.append(pattern)
    if paths.count("-") > 1:
        raise UsageError("standard input (-) given more than once")
    return paths


class _Run:
    """Shared state of one ``classify``/``batch``/``segment`` run: refusals and progress."""

    def __init__(self, args):
        self.refused = 0
        self.quiet = args.quiet
        self.paths = expand_inputs(args.paths, self.refuse)
        self.format = args.input_format
        self.encoding_errors = getattr(args, "encoding_errors", "strict")
        self.bar = None
        if not self.quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=len(self.paths), unit="file", desc="claimsift", file=sys.stderr, leave=False)

    def refuse(self, message: str) -> None:
        self.refused += 1
        print(f"claimsift: refused: {message}", file=sys.stderr, flush=True)

    def warn(self, message: str) -> None:
        if not self.quiet:
            print(f"claimsift: warning: {message}", file=sys.stderr, flush=True)

    def documents(self) -> Iterator:
        """Documents of every readable input, lazily; unreadable inputs are refused and skipped."""
        from claimsift.language import english_warning
        from claimsift.reader import InputError, read_document

        for path in self.paths:
            try:
                docs = read_document(path, self.format, self.encoding_errors)
            except InputError as exc:
                self.refuse(str(exc))
                docs = []
            except OSError as exc:  # missing file, a directory, no permission
                self.refuse(f"{path}: {getattr(exc, 'strerror', None) or exc}")
                docs = []
            for doc in docs:
                if doc.replaced:
                    print(f"claimsift: warning: {doc.doc_id}: {doc.replaced} invalid UTF-8 sequence(s) replaced "
                          "by U+FFFD", file=sys.stderr, flush=True)
                warning = english_warning(doc.text, doc.doc_id)
                if warning:
                    self.warn(warning)
                yield doc
            if self.bar is not None:
                self.bar.update(1)

    def finish(self) -> int:
        if self.bar is not None:
            self.bar.close()
        return EXIT_REFUSED if self.refused else EXIT_OK


def _load(args):
    from claimsift.classifier import Classifier

    try:
        return Classifier.load(args.model or default_model_dir(), precision=args.precision)
    except ValueError as exc:  # a precision the model does not take
        raise UsageError(str(exc)) from None


STREAM_CHARS = 200_000
"""A document longer than this (about a window of sentences) is classified as a stream
(``Classifier.iter_classify``), never held as one list of records; shorter ones are batched
across documents by ``classify_many``."""


def _classified(run: _Run, classifier, batch_size: int | None) -> Iterator[tuple[object, Iterable]]:
    """(document, records) pairs in input order; each document's records must be read before
    the next pair is asked for (a long document's are a lazy stream)."""
    docs = run.documents()
    doc = next(docs, None)
    while doc is not None:
        if len(doc.text) > STREAM_CHARS:
            yield doc, classifier.iter_classify(doc.text, doc.doc_id, doc.hints, batch_size=batch_size)
            doc = next(docs, None)
            continue
        held: list = []  # the long document that ends a run of short ones

        def short_run(first=doc, held=held) -> Iterator:
            yield first
            for d in docs:
                if len(d.text) > STREAM_CHARS:
                    held.append(d)
                    return
                yield d

        for_texts, for_ids, for_hints, for_results = itertools.tee(short_run(), 4)
        results = classifier.classify_many((d.text for d in for_texts), (d.doc_id for d in for_ids),
                                           batch_size=batch_size, hints=(d.hints for d in for_hints))
        yield from zip(for_results, results)
        doc = held[0] if held else None


def cmd_classify(args) -> int:
    classifier = _load(args)  # before reading: an unusable model is exit 2 at once
    run = _Run(args)
    out = sys.stdout
    table = None
    if args.format == "table":
        from claimsift.table import TableWriter

        table = TableWriter(out)
    for doc, records in _classified(run, classifier, args.batch_size):
        if table is not None:
            table.write(records)
        elif args.with_text:
            # json.dumps of {"doc", "format", "text", "segments": [...]}, written record by record
            head = json.dumps({"doc": doc.doc_id, "format": doc.format, "text": doc.text}, ensure_ascii=False)
            out.write(head[:-1] + ', "segments": [')
            for i, r in enumerate(records):
                out.write((", " if i else "") + json.dumps(r.to_dict(), ensure_ascii=False))
            out.write("]}\n")
        else:
            for r in records:
                out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    return run.finish()


def cmd_segment(args) -> int:
    from claimsift.segment import iter_segments

    run = _Run(args)
    write = sys.stdout.write
    for doc in run.documents():
        for seg in iter_segments(doc.text, doc.doc_id, doc.hints):  # streamed: memory stays flat on 10 MB
            write(seg.to_json() + "\n")
    return run.finish()


def cmd_serve(args) -> int:
    try:
        from claimsift.httpserver import serve
        from claimsift.service import Settings, create_app, load_api_keys
    except ImportError as exc:
        raise UsageError(f"the HTTP service needs the [serve] extra: pip install 'claimsift[serve]' ({exc})") from None
    try:
        keys = load_api_keys(args.api_keys_file)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read API keys file {args.api_keys_file}: {exc}") from None
    settings = Settings(
        max_body_bytes=args.max_body_bytes, max_documents=args.max_documents, max_doc_chars=args.max_doc_chars,
        request_timeout_s=args.request_timeout, max_queue=args.max_queue, max_wait_ms=args.max_wait_ms,
        api_keys=keys, cors_origins=tuple(args.cors_origin or ()),
    )
    classifier = _load(args)
    app = create_app(classifier, settings)
    auth = f", {len(keys)} API key(s)" if keys else ", no API keys"
    print(f"claimsift: serving {args.model or default_model_dir()} ({classifier.kind}, {classifier.precision}{auth}) "
          f"on http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    serve(app, args.host, args.port, header_timeout_s=args.header_timeout)
    return EXIT_OK


def _inputs(p: argparse.ArgumentParser, default_format: str | None = None) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, globs, or - for standard input")
    p.add_argument("--input-format", choices=FORMATS, default=default_format, help="input format (default: sniffed)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no warnings (errors still print)")
    p.add_argument("--encoding-errors", choices=["strict", "replace"], default="strict",
                   help="input that is neither UTF-8 nor clearly another encoding: refuse (default) or replace "
                        "bad bytes with U+FFFD (said on stderr)")


def _model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None,
                   help=f"trained model directory (default: ${MODEL_ENV}, else models/transformer of this project)")
    p.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto",
                   help="transformer precision (default auto: bf16 where the CPU or a GPU supports it)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimsift", description="Label sentences as finding, testimony or argument.",
        epilog="exit codes: 0 all inputs processed; 1 some input refused (named on stderr); 2 usage error or no "
               "usable model")
    parser.add_argument("--version", action="version", version=f"claimsift {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("classify", help="segment and classify documents: one JSON line per segment, or a table")
    _inputs(c)
    _model(c)
    c.add_argument("--format", choices=["jsonl", "table"], default="jsonl", help="output format (default jsonl)")
    c.add_argument("--with-text", action="store_true",
                   help="one JSON object per document with the text the offsets index (useful for HTML)")
    c.add_argument("--batch-size", type=int, default=None, help="sentences per forward pass")
    c.set_defaults(func=cmd_classify)
    s = sub.add_parser("segment", help="print segments with body flags and offsets (no model needed)")
    _inputs(s)
    s.set_defaults(func=cmd_segment)
    v = sub.add_parser("serve", help="HTTP service (FastAPI): POST /v1/classify, docs at /docs")
    _model(v)
    v.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    v.add_argument("--port", type=int, default=8000)
    v.add_argument("--api-keys-file", default=None,
                   help="file with one API key a line; keys also come from $CLAIMSIFT_API_KEYS (comma-separated)")
    v.add_argument("--cors-origin", action="append", help="allow this browser origin (repeatable; default none)")
    v.add_argument("--max-body-bytes", type=int, default=2_000_000)
    v.add_argument("--max-documents", type=int, default=64, help="documents per request")
    v.add_argument("--max-doc-chars", type=int, default=500_000, help="characters per document")
    v.add_argument("--request-timeout", type=float, default=60.0, help="seconds per request, body to answer")
    v.add_argument("--header-timeout", type=float, default=10.0, help="seconds a client has to send its headers")
    v.add_argument("--max-queue", type=int, default=64, help="requests waiting for the model before 503")
    v.add_argument("--max-wait-ms", type=float, default=15.0,
                   help="how long a batch waits for more requests after its first (default 15)")
    v.set_defaults(func=cmd_serve)
    from claimsift.batch_cli import add_batch_command  # corpus jobs: their own module

    add_batch_command(sub, default_model_dir)
    # Listed for --help only: main() hands export-model to claimsift.export before parsing.
    sub.add_parser("export-model", help="bundle a model with its card and file manifest: MODEL_DIR OUT_DIR")
    return parser


def main(argv: list[str] | None = None) -> int:
    from claimsift.modelmeta import ModelError

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export-model"]:  # its own module and parser (claimsift.export)
        from claimsift import export

        return export.main(argv[1:])
    args = build_parser().parse_args(argv)  # argparse itself exits 2 on a usage error
    try:
        return args.func(args)
    except (ModelError, UsageError) as exc:
        print(f"claimsift: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
