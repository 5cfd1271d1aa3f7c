"""Command line: ``claimsift classify PATH|- [--model DIR] [--format jsonl|table]``,
``claimsift segment PATH`` and ``claimsift serve``.

Errors (missing or foreign model, empty, binary or oversized input) print one line to stderr
and exit with code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

DEFAULT_MODEL = os.environ.get("CLAIMSIFT_MODEL", "models/transformer")


def _print_table(records, out) -> None:
    for r in records:
        label = r.label or f"({r.reason or 'non-body'})"
        conf = f"{max(r.scores.values()):.2f}" if r.scores else "    "
        text = r.text if len(r.text) <= 100 else r.text[:97] + "..."
        out.write(f"{r.doc}\t{r.index:>4}\t{label:<14}\t{conf}\t{text}\n")


def cmd_classify(args) -> int:
    from claimsift.classifier import Classifier
    from claimsift.reader import read_document

    documents = read_document(args.path, args.input_format)  # read first: a bad input fails fast
    classifier = Classifier.load(args.model)
    out = sys.stdout
    for doc in documents:
        records = classifier.classify(doc.text, doc.doc_id)
        if args.format == "table":
            _print_table(records, out)
        elif args.with_text:
            out.write(json.dumps({"doc": doc.doc_id, "format": doc.format, "text": doc.text,
                                  "segments": [r.to_dict() for r in records]}, ensure_ascii=False) + "\n")
        else:
            for r in records:
                out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    return 0


def cmd_segment(args) -> int:
    from claimsift.reader import read_document
    from claimsift.segment import segment_document

    for doc in read_document(args.path, args.input_format):
        for seg in segment_document(doc.text, doc.doc_id):
            sys.stdout.write(json.dumps(seg.to_dict(), ensure_ascii=False) + "\n")
    return 0


def cmd_serve(args) -> int:
    try:
        from claimsift.httpserver import serve
        from claimsift.service import Settings, create_app, load_api_keys
    except ImportError as exc:
        print(f"claimsift: error: the HTTP service needs the [serve] extra: pip install 'claimsift[serve]' ({exc})",
              file=sys.stderr)
        return 2
    from claimsift.classifier import Classifier

    try:
        keys = load_api_keys(args.api_keys_file)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"claimsift: error: cannot read API keys file {args.api_keys_file}: {exc}", file=sys.stderr)
        return 2
    settings = Settings(
        max_body_bytes=args.max_body_bytes, max_documents=args.max_documents, max_doc_chars=args.max_doc_chars,
        request_timeout_s=args.request_timeout, max_queue=args.max_queue, max_wait_ms=args.max_wait_ms,
        api_keys=keys, cors_origins=tuple(args.cors_origin or ()),
    )
    classifier = Classifier.load(args.model, precision=args.precision)
    app = create_app(classifier, settings)
    auth = f", {len(keys)} API key(s)" if keys else ", no API keys"
    print(f"claimsift: serving {args.model} ({classifier.kind}, {classifier.precision}{auth}) on "
          f"http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    serve(app, args.host, args.port, header_timeout_s=args.header_timeout)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claimsift", description="Label sentences as finding, testimony or argument.")
    sub = parser.add_subparsers(dest="command", required=True)
    formats = ["text", "markdown", "html", "jsonl"]
    c = sub.add_parser("classify", help="segment and classify a document (or a JSONL batch)")
    c.add_argument("path", help="input file, or - for standard input")
    c.add_argument("--model", default=DEFAULT_MODEL, help=f"trained model directory (default {DEFAULT_MODEL})")
    c.add_argument("--format", choices=["jsonl", "table"], default="jsonl", help="output format (default jsonl)")
    c.add_argument("--input-format", choices=formats, default=None, help="input format (default: sniffed)")
    c.add_argument("--with-text", action="store_true",
                   help="one JSON object per document with the text the offsets index (useful for HTML)")
    c.set_defaults(func=cmd_classify)
    s = sub.add_parser("segment", help="print segments with body flags and offsets (no model needed)")
    s.add_argument("path")
    s.add_argument("--input-format", choices=formats, default=None)
    s.set_defaults(func=cmd_segment)
    v = sub.add_parser("serve", help="HTTP service (FastAPI): POST /v1/classify, docs at /docs")
    v.add_argument("--model", default=DEFAULT_MODEL)
    v.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto")
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
    v.add_argument("--max-wait-ms", type=float, default=5.0, help="batching wait when idle")
    v.set_defaults(func=cmd_serve)
    from claimsift.batch_cli import add_batch_command  # batch jobs: their own module

    add_batch_command(sub, DEFAULT_MODEL)
    return parser


def main(argv: list[str] | None = None) -> int:
    from claimsift.modelmeta import ModelError
    from claimsift.reader import InputError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ModelError, InputError) as exc:
        print(f"claimsift: error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"claimsift: error: no such file: {exc.filename}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
