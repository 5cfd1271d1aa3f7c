"""Batch input and output: row numbering, pieces for parallel reads, row checks, Parquet schema."""

from __future__ import annotations

import json
import random
from dataclasses import fields

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claimsift import ClassifiedSegment
from claimsift.batchio import (
    BatchError, count_rows, iter_rows, iter_split, jsonl_splits, output_schema, parquet_splits, validate,
)


def test_jsonl_pieces_number_rows_like_one_pass(tmp_path):
    """Any cut of a JSONL file into pieces yields exactly the rows of one pass, with their numbers."""
    rnd = random.Random(7)
    path = tmp_path / "in.jsonl"
    for _ in range(150):
        lines = [rnd.choice(["", "garbage", json.dumps({"id": i, "text": "Hello there. " + "x" * rnd.randint(0, 60)})])
                 for i in range(rnd.randint(0, 25))]
        path.write_text("\n".join(lines) + rnd.choice(["", "\n"]))
        whole = list(iter_rows(path))
        assert [r.row for r in whole] == list(range(len(whole)))
        for target in (1, 9, 64, 10_000):
            pieces = jsonl_splits(path, target)
            assert [r for piece in pieces for r in iter_split(path, piece, 10**6)] == whole


def test_parquet_pieces_follow_row_groups(tmp_path):
    path = tmp_path / "in.parquet"
    table = pa.table({"id": [str(i) for i in range(50)], "text": [f"Sentence {i} is here." for i in range(50)]})
    pq.write_table(table, path, row_group_size=7)
    pieces = parquet_splits(path, 20)
    assert [first for _, first in pieces] == [0, 21, 42]
    rows = [r for piece in pieces for r in iter_split(path, piece, 10**6)]
    assert [r.row for r in rows] == list(range(50)) and [r.id for r in rows] == [str(i) for i in range(50)]
    assert count_rows(path) == 50


def test_row_checks():
    assert validate("a", "Police arrested 31 people.", None, 1000) == ("a", "Police arrested 31 people.", "text")
    assert validate(7, "Text.", "markdown", 1000) == ("7", "Text.", "markdown")
    assert validate(None, "x", None, 1000) == "missing id"
    assert validate("a", None, None, 1000) == "missing text"
    assert validate(True, "x", None, 1000).startswith('"id" must be')
    assert validate("a", 5, None, 1000) == '"text" must be a string'
    assert validate("a", "x", "pdf", 1000).startswith("unknown format")
    assert validate("a", "é" * 600, None, 1000).startswith("text is larger than the limit of 1,000 bytes")
    assert "binary" in validate("a", "abc\x00def", None, 1000)
    assert "empty" in validate("a", "   \n", None, 1000)


def test_oversized_line_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "big", "text": "x" * 100_000}) + "\n" + json.dumps({"id": "ok", "text": "Fine."}))
    rows = list(iter_rows(path, max_doc_bytes=1000))
    assert rows[0].error.startswith("line is longer than") and rows[1].id == "ok" and rows[1].row == 1


def test_unknown_and_missing_inputs(tmp_path):
    with pytest.raises(BatchError, match="unknown file type"):
        iter_rows(tmp_path / "x.csv")
    with pytest.raises(BatchError, match="no such file"):
        iter_rows(tmp_path / "x.jsonl")
    (tmp_path / "x.parquet").write_bytes(b"not parquet")
    with pytest.raises(BatchError, match="not a readable Parquet file"):
        iter_rows(tmp_path / "x.parquet")


def test_output_schema_has_every_segment_field():
    names = {f.name for f in fields(ClassifiedSegment)}
    assert set(output_schema(explode=True).names) == {"row", "id", "format"} | names
    segment = output_schema(explode=False).field("segments").type.value_type
    assert {segment.field(i).name for i in range(segment.num_fields)} == names
