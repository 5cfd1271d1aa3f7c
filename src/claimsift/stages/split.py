"""Stage ``split``: every document under ``data/raw`` → sentence segments with offsets."""

from __future__ import annotations

from pathlib import Path

from claimsift.reader import read_document
from claimsift.records import load_params, write_jsonl
from claimsift.segment import segment_document


def split_corpus(raw_dir: Path, out: Path) -> int:
    """Segment every file in ``raw_dir`` (sorted, hidden files skipped); returns the segment count."""
    records = []
    files = sorted(p for p in Path(raw_dir).iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise SystemExit(f"split: no documents in {raw_dir}")
    for path in files:
        for doc in read_document(path):
            for seg in segment_document(doc.text, doc.doc_id):
                records.append(seg.to_dict())
    return write_jsonl(out, records)


def main() -> None:
    params = load_params("split")
    n = split_corpus(Path(params["raw_dir"]), Path(params["out"]))
    print(f"split: {n} segments -> {params['out']}")


if __name__ == "__main__":
    main()
