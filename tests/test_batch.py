"""The local batch engine: records, errors, Parquet, resuming after a SIGKILL, and the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claimsift import Classifier
from claimsift.batch import BatchError, default_errors_path, parts_dir, run_local
from tests.batchdata import BAD_LINES, read_output, tiny_tfidf, write_corpus

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return tiny_tfidf(tmp_path_factory.mktemp("tfidf"))


def _rows(path: Path) -> list[int]:
    return [r["row"] for r in read_output(path)]


def test_local_records_errors_and_accounting(tmp_path, model):
    src = tmp_path / "in.jsonl"
    lines = write_corpus(src, 36, max_chars=1500)
    out = tmp_path / "out.jsonl"
    result = run_local(src, out, model, max_doc_bytes=4000, chunk_rows=5, progress=False)
    errors = [json.loads(line) for line in default_errors_path(out).read_text().splitlines()]
    docs = read_output(out)
    assert result.rows == len(lines) and result.errors == len(BAD_LINES) == len(errors)
    assert sorted([d["row"] for d in docs] + [e["row"] for e in errors]) == list(range(len(lines)))
    assert not parts_dir(out).exists()
    reasons = {e["reason"].split(" (")[0] for e in errors}
    assert {"empty line", "missing text", "not valid JSON", "text is larger than the limit of 4,000 bytes",
            "expected a JSON object with \"id\" and \"text\""} <= reasons
    assert all(e["line"] == e["row"] + 1 for e in errors)
    # Ids repeat (the corpus cycles) and each repeat is classified again, keyed by its row.
    ids = [d["id"] for d in docs]
    assert len(set(ids)) < len(ids)
    # The records are the classifier's own, in input order.
    clf = Classifier.load(model)
    assert [d["row"] for d in docs] == sorted(d["row"] for d in docs)
    first = json.loads(lines[0])
    assert docs[0]["segments"] == [s.to_dict() for s in clf.classify(first["text"], first["id"])]
    assert docs[-1]["format"] == "html" and docs[-1]["segments"][0]["text"].startswith("Police arrested 31")


def test_parquet_in_and_out_explode(tmp_path, model):
    src = tmp_path / "in.parquet"
    texts = [p.read_text(encoding="utf-8")[:1500] for p in sorted((SRC.parent / "data/raw").glob("gum_*.txt"))[:6]]
    pq.write_table(pa.table({"id": ["a", "b", None, "a", "e", "f"], "text": texts[:5] + [None]}), src)
    out = tmp_path / "out.parquet"
    result = run_local(src, out, model, explode=True, progress=False)
    assert (result.rows, result.documents, result.errors) == (6, 4, 2)
    seg_rows = pq.read_table(out).to_pylist()
    assert {r["row"] for r in seg_rows} == {0, 1, 3, 4}
    assert seg_rows[0].keys() >= {"row", "id", "format", "doc", "index", "start", "end", "label", "scores"}
    assert all(r["scores"] is None or set(r["scores"]) == {"finding", "testimony", "argument"} for r in seg_rows)
    errors = [json.loads(x) for x in default_errors_path(out).read_text().splitlines()]
    assert [(e["row"], e["line"], e["reason"]) for e in errors] == [(2, None, "missing id"), (5, None, "missing text")]


def test_refusals(tmp_path, model):
    src = tmp_path / "in.jsonl"
    write_corpus(src, 3, with_bad=False)
    with pytest.raises(BatchError, match="unknown file type"):
        run_local(src, tmp_path / "out.csv", model, progress=False)
    with pytest.raises(BatchError, match="no such file"):
        run_local(tmp_path / "missing.jsonl", tmp_path / "o.jsonl", model, progress=False)
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"doc": ["a"], "body": ["b"]}), bad)
    with pytest.raises(BatchError, match="no column id, text"):
        run_local(bad, tmp_path / "o.jsonl", model, progress=False)
    out = tmp_path / "out.jsonl"
    run_local(src, out, model, progress=False)
    with pytest.raises(BatchError, match="exists; pass --overwrite"):
        run_local(src, out, model, progress=False)
    assert run_local(src, out, model, overwrite=True, progress=False).documents == 5


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "claimsift.cli", "batch", *args]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(SRC)}


def test_killed_run_resumes_with_every_row_once(tmp_path, model):
    """SIGKILL a real `claimsift batch` midway; the rerun skips committed chunks and finishes,
    and the result equals an uninterrupted run: no row lost, torn or duplicated."""
    src = tmp_path / "in.jsonl"
    lines = write_corpus(src, 400, max_chars=6000)
    out = tmp_path / "out.jsonl"
    args = _cli(str(src), "--out", str(out), "--model", str(model), "--chunk-rows", "8", "--max-doc-bytes", "4000",
                "--no-progress")
    proc = subprocess.Popen(args, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    work = parts_dir(out)
    deadline = time.monotonic() + 120
    while len(list(work.glob("chunk-*.json"))) < 3:
        assert proc.poll() is None, f"finished before it could be killed: {proc.communicate()[1].decode()[-500:]}"
        assert time.monotonic() < deadline, "no chunk committed in 120 s"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    committed = len(list(work.glob("chunk-*.json")))
    assert committed < (len(lines) + 7) // 8, "the run had finished all its chunks"

    rerun = subprocess.run(args, env=_env(), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 1, rerun.stderr  # 1: some rows were refused (bad and oversized rows)
    assert "resumed from an earlier run" in rerun.stderr
    docs = read_output(out)
    errors = [json.loads(x) for x in default_errors_path(out).read_text().splitlines()]
    rows = [d["row"] for d in docs] + [e["row"] for e in errors]
    assert sorted(rows) == list(range(len(lines)))  # every row exactly once
    clean = tmp_path / "clean.jsonl"
    run_local(src, clean, model, max_doc_bytes=4000, progress=False)
    assert out.read_bytes() == clean.read_bytes()
    assert default_errors_path(out).read_bytes() == default_errors_path(clean).read_bytes()


def test_resume_refuses_other_settings(tmp_path, model):
    src = tmp_path / "in.jsonl"
    write_corpus(src, 3, with_bad=False)
    out = tmp_path / "out.jsonl"
    work = parts_dir(out)
    work.mkdir()
    (work / "job.json").write_text(json.dumps({"chunk_rows": 99}))
    with pytest.raises(BatchError, match="other settings .*chunk_rows"):
        run_local(src, out, model, progress=False)


def test_cli_batch(tmp_path, model):
    src = tmp_path / "in.jsonl"
    write_corpus(src, 6)
    out = tmp_path / "out.parquet"
    run = subprocess.run(_cli(str(src), "--out", str(out), "--model", str(model), "--no-progress",
                              "--max-doc-bytes", "4000"), env=_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr  # the documented exit code when some row was refused
    assert "9 rows: 8 documents classified" in run.stderr and "1 refused" in run.stderr
    assert len(pq.read_table(out)) == 8
    bad = subprocess.run(_cli(str(src), "--out", str(tmp_path / "o.txt"), "--model", str(model)),
                         env=_env(), capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "unknown file type" in bad.stderr
