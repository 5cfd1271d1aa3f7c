"""The Ray engine on a real local Ray (num_cpus=2) gives the local engine's records.

Ray is installed by ``make test`` (the ``[scale]`` extra): this test imports it and is never skipped.
"""

from __future__ import annotations

import json

import pytest
import ray

from claimsift import batch_ray
from claimsift.batch import default_errors_path, run_local
from claimsift.batchio import BatchError
from tests.batchdata import BAD_LINES, read_output, tiny_tfidf, write_corpus


def test_ray_engine_equals_local_engine(tmp_path, monkeypatch):
    model = tiny_tfidf(tmp_path / "tfidf")
    src = tmp_path / "in.jsonl"
    lines = write_corpus(src, 36, max_chars=1500)
    local = tmp_path / "local.jsonl"
    run_local(src, local, model, max_doc_bytes=4000, progress=False)
    # Small pieces so that several read tasks each number their own rows.
    monkeypatch.setattr(batch_ray, "_SPLIT_BYTES", 8000)
    out = tmp_path / "ray.parquet"
    try:
        result = batch_ray.run_ray(src, out, model, actors=2, num_cpus=2, docs_per_batch=4, max_doc_bytes=4000,
                                   progress=False)
    finally:
        if ray.is_initialized():
            ray.shutdown()
    assert not ray.is_initialized()  # run_ray shuts down the Ray it started
    assert (result.rows, result.errors, result.engine) == (len(lines), len(BAD_LINES), "ray")
    got, want = read_output(out), read_output(local)
    assert [r["row"] for r in got] == [r["row"] for r in want]
    for g, w in zip(got, want):
        assert (g["id"], g["format"], len(g["segments"])) == (w["id"], w["format"], len(w["segments"]))
        for gs, ws in zip(g["segments"], w["segments"]):
            assert {k: v for k, v in gs.items() if k != "scores"} == {k: v for k, v in ws.items() if k != "scores"}
            if ws["scores"] is None:
                assert gs["scores"] is None
            else:
                assert max(abs(gs["scores"][k] - ws["scores"][k]) for k in ws["scores"]) <= 1e-4
    ray_errors = sorted(json.loads(x)["row"] for x in default_errors_path(out).read_text().splitlines())
    local_errors = [json.loads(x) for x in default_errors_path(local).read_text().splitlines()]
    assert ray_errors == [e["row"] for e in local_errors]


def test_ray_engine_refuses_before_starting_ray(tmp_path):
    with pytest.raises(BatchError, match="unknown file type"):
        batch_ray.run_ray(tmp_path / "in.csv", tmp_path / "out.jsonl", tmp_path)
    assert not ray.is_initialized()
