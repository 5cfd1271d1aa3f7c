"""Label sheets: how annotators label whole real documents sentence by sentence.

A sheet shows a document as the segmenter cuts it: each body sentence on a line
``INDEX<TAB>sentence``, each non-body segment as ``[NON-BODY reason]<TAB>text`` (context only),
and a blank line between paragraphs. The annotator answers with a ``.tsv`` file, one line per
body sentence: ``INDEX<TAB>LABEL`` where LABEL is a label from ``claimsift.labels`` or ``none``
(left untagged, guide rules 12 and 13). Importing turns the answers into stand-off spans
(``data/annotations/<doc>.jsonl``) over the raw text, so they survive later segmenter changes.

    python -m claimsift.labelsheet make data/raw/gum_news_afghan.txt --out sheets/
    python -m claimsift.labelsheet import answers/ --out data/annotations
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from claimsift.annotations import AnnotationError
from claimsift.labels import LABELS
from claimsift.segment import Segment, segment_document

__all__ = ["make_sheet", "read_answers", "answers_to_spans", "main"]

UNTAGGED = "none"


def make_sheet(text: str, doc_id: str) -> str:
    """The sheet for one document (``text`` as read from ``data/raw``)."""
    segments = segment_document(text, doc_id)
    out = [f"# document {doc_id}  ({sum(s.body for s in segments)} body sentences to label)",
           "# Lines marked [NON-BODY ...] are context only: do not label them.", ""]
    prev_start = None
    for seg in segments:
        # a segment starting on a later line than the previous one starts a paragraph; only the
        # text between the two starts is searched, so the sheet is linear in the document
        if prev_start is not None and "\n" in text[prev_start:seg.start]:
            out.append("")  # paragraph break
        prev_start = seg.start
        out.append(f"{seg.index}\t{seg.text}" if seg.body else f"[NON-BODY {seg.reason}]\t{seg.text}")
    return "\n".join(out) + "\n"


def read_answers(path: Path) -> dict[int, str]:
    """index -> label (or ``none``) from an annotator's ``.tsv``; errors name file and line."""
    answers: dict[int, str] = {}
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip().isdigit():
            raise AnnotationError(f"{path}:{i}: expected INDEX<TAB>LABEL, got {line[:60]!r}")
        index, label = int(parts[0]), parts[1].strip()
        if label != UNTAGGED and label not in LABELS:
            raise AnnotationError(f"{path}:{i}: unknown label {label!r}; known: {', '.join(LABELS)}, {UNTAGGED}")
        if index in answers:
            raise AnnotationError(f"{path}:{i}: sentence {index} labelled twice")
        answers[index] = label
    return answers


def answers_to_spans(segments: list[Segment], answers: dict[int, str], source: str) -> list[dict]:
    """Stand-off spans for the labelled body sentences; every body sentence must be answered."""
    body = {s.index: s for s in segments if s.body}
    missing = sorted(set(body) - set(answers))
    extra = sorted(set(answers) - set(body))
    if missing or extra:
        raise AnnotationError(f"{source}: unanswered body sentences {missing[:10]}, "
                              f"answers for non-body or unknown indices {extra[:10]}")
    return [{"doc": s.doc, "start": s.start, "end": s.end, "label": answers[i]}
            for i, s in sorted(body.items()) if answers[i] != UNTAGGED]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m claimsift.labelsheet")
    sub = ap.add_subparsers(dest="command", required=True)
    mk = sub.add_parser("make", help="write a sheet per raw document")
    mk.add_argument("docs", nargs="+", type=Path)
    mk.add_argument("--out", type=Path, required=True)
    im = sub.add_parser("import", help="turn answer .tsv files into stand-off spans")
    im.add_argument("answers", type=Path, help="folder of <doc>.tsv answers")
    im.add_argument("--raw-dir", type=Path, default=Path("data/raw"))
    im.add_argument("--out", type=Path, required=True, help="folder for <doc>.jsonl spans")
    im.add_argument("--replace", action="store_true", help="overwrite existing span files")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        if args.command == "make":
            for path in args.docs:
                text = path.read_text(encoding="utf-8")
                (args.out / f"{path.stem}.txt").write_text(make_sheet(text, path.stem), encoding="utf-8")
            return 0
        for tsv in sorted(args.answers.glob("*.tsv")):
            target = args.out / f"{tsv.stem}.jsonl"
            if target.exists() and not args.replace:
                raise AnnotationError(f"{target}: exists (use --replace to overwrite)")
            text = (args.raw_dir / f"{tsv.stem}.txt").read_text(encoding="utf-8")
            spans = answers_to_spans(segment_document(text, tsv.stem), read_answers(tsv), str(tsv))
            target.write_text("".join(json.dumps(s) + "\n" for s in spans), encoding="utf-8")
    except (AnnotationError, OSError) as exc:
        print(f"labelsheet: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
