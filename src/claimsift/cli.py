"""Command line: ``claimsift classify PATH|- [--model DIR] [--format jsonl|table]``,
``claimsift segment PATH``, ``claimsift serve`` and ``claimsift export-model MODEL_DIR OUT_DIR``.

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
    from claimsift.classifier import Classifier
    from claimsift.service import make_server

    server = make_server(Classifier.load(args.model), args.host, args.port)
    print(f"claimsift: serving {args.model} on http://{args.host}:{server.server_port}", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
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
    v = sub.add_parser("serve", help="HTTP service: POST /classify {\"text\": ...}")
    v.add_argument("--model", default=DEFAULT_MODEL)
    v.add_argument("--host", default="127.0.0.1")
    v.add_argument("--port", type=int, default=8000)
    v.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    from claimsift.modelmeta import ModelError
    from claimsift.reader import InputError

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export-model"]:  # its own module and parser (claimsift.export)
        from claimsift import export

        return export.main(argv[1:])
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
