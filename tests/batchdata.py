"""Shared inputs of the batch tests: a tiny real TF-IDF model and JSONL corpora of real documents."""

from __future__ import annotations

import json
from pathlib import Path

from claimsift import tfidf
from claimsift.modelmeta import write_metadata
from tests.conftest import ARGUMENTS, FINDINGS, TESTIMONIES

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def tiny_tfidf(out: Path) -> Path:
    """A real (tiny) TF-IDF model directory, as the train_tfidf stage writes it."""
    out.mkdir(parents=True, exist_ok=True)
    texts = FINDINGS + TESTIMONIES + ARGUMENTS
    labels = ["finding"] * 12 + ["testimony"] * 12 + ["argument"] * 12
    tfidf.save(tfidf.fit_pipeline(tfidf.build_pipeline(char_ngrams=(2, 4)), texts, labels), out)
    data = out / "train.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": l}) + "\n" for t, l in zip(texts, labels)))
    write_metadata(out, "tfidf", {"use_quote_context": True}, data)
    return out


BAD_LINES = [
    "",                                                   # empty line
    '{"id": "no-text"}',                                  # missing text
    "not json at all",                                    # invalid JSON
    json.dumps({"id": "nul", "text": "abc\u0000def"}),    # binary
    json.dumps({"id": "big", "text": "x" * 5000}),        # oversized with max_doc_bytes=4000
    json.dumps({"id": "fmt", "text": "Hello there.", "format": "pdf"}),
    json.dumps([1, 2]),                                   # not an object
]
"""Rows every engine must refuse (with ``max_doc_bytes=4000``), one reason each."""


def write_corpus(path: Path, n_docs: int, with_bad: bool = True, max_chars: int = 3000) -> list[str]:
    """``n_docs`` real documents from data/raw (cut to ``max_chars``, cycling), the first
    one again (a repeated id), the bad lines interleaved and an HTML row; returns the lines written."""
    docs = sorted(p for p in RAW.glob("*.txt"))
    lines = []
    for i in range(n_docs):
        p = docs[i % len(docs)]
        lines.append(json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")[:max_chars]}, ensure_ascii=False))
        if with_bad and i % 5 == 2 and (i // 5) < len(BAD_LINES):
            lines.append(BAD_LINES[i // 5])
    lines.append(lines[0])  # a repeated id: classified again, keyed by its own row
    lines.append(json.dumps({"id": "page", "format": "html", "text": "<html><body><article><p>Police arrested 31 "
                             "people in the capital on Tuesday, officials said.</p><p>“They beat me,” one man "
                             "said.</p></article></body></html>"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def read_output(path: Path) -> list[dict]:
    """Output records (JSONL or Parquet), sorted by row (then segment index when exploded)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        records = pq.read_table(path).to_pylist()
    else:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return sorted(records, key=lambda r: (r["row"], r.get("index", 0)))
