"""Corpus-scale batch classification: JSONL/Parquet in, JSONL/Parquet out, resumable.

:func:`run_local` streams the input in chunks of ``chunk_rows`` rows through
``Classifier.classify_many`` (memory bounded whatever the corpus size). Each finished chunk is
committed to ``OUTPUT.parts/`` as a part file, an errors file and a small ``chunk-K.json``
marker, each written to a temporary name, synced and renamed, the marker last: a chunk is done
exactly when its marker exists. A rerun after an interruption (Ctrl-C, a killed process) skips
done chunks without parsing them and redoes the rest, so no row is ever torn or written twice.
When every chunk is done the parts are joined into OUTPUT and the errors file (again through a
temporary name and a rename) and ``OUTPUT.parts/`` is removed.

The Ray engine lives in :mod:`claimsift.batch_ray`; both read and write through
:mod:`claimsift.batchio`, so both produce the same records and refuse the same rows.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from claimsift.batchio import (
    DEFAULT_MAX_DOC_BYTES, BatchError, ErrorWriter, check_input_file, InputRow, OutputWriter, count_rows, input_kind, iter_rows,
)

__all__ = ["BatchResult", "BatchError", "default_errors_path", "parts_dir", "run_local", "DEFAULT_CHUNK_ROWS"]

DEFAULT_CHUNK_ROWS = 256
"""Rows per committed chunk: the most work an interruption can lose."""


@dataclass
class BatchResult:
    """What a batch job did. ``documents + errors == rows``: every input row is accounted for."""

    rows: int
    documents: int
    errors: int
    segments: int
    resumed_rows: int
    output: str
    errors_file: str
    engine: str

    def summary(self) -> str:
        """One line for the terminal."""
        resumed = f", {self.resumed_rows:,} resumed from an earlier run" if self.resumed_rows else ""
        return (f"{self.rows:,} rows: {self.documents:,} documents classified ({self.segments:,} segments), "
                f"{self.errors:,} refused (see {self.errors_file}){resumed}; output {self.output}")


def default_errors_path(output: str | Path) -> Path:
    """``out.parquet`` → ``out.errors.jsonl``."""
    output = Path(output)
    return output.with_name(output.stem + ".errors.jsonl")


def parts_dir(output: str | Path) -> Path:
    """Where a local job keeps its committed chunks until it finishes: ``OUTPUT.parts/``."""
    output = Path(output)
    return output.with_name(output.name + ".parts")


def check_paths(input_path: Path, output: Path, errors_path: Path) -> str:
    """Validate the job's paths up front; returns the output kind. Raises :class:`BatchError`."""
    input_kind(input_path)
    kind = input_kind(output)
    check_input_file(input_path)
    if input_path.resolve() in (output.resolve(), errors_path.resolve()):
        raise BatchError(f"{output}: the output or errors file would overwrite the input")
    if not output.parent.is_dir():
        raise BatchError(f"{output.parent}: output directory does not exist")
    return kind


def _replace(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)
    fd = os.open(final.parent, os.O_RDONLY)  # make the rename itself durable
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _job_settings(input_path: Path, model: Path, precision: str, explode: bool, chunk_rows: int,
                  max_doc_bytes: int) -> dict[str, Any]:
    st = input_path.stat()
    meta_file = model / "claimsift.json"
    model_meta = meta_file.read_text(encoding="utf-8") if meta_file.is_file() else ""
    import hashlib

    return {
        "input": str(input_path.resolve()), "input_size": st.st_size, "input_mtime_ns": st.st_mtime_ns,
        "model": str(model.resolve()), "model_meta_sha256": hashlib.sha256(model_meta.encode()).hexdigest(),
        "precision": precision, "explode": explode, "chunk_rows": chunk_rows, "max_doc_bytes": max_doc_bytes,
    }


def _open_job(work: Path, settings: dict[str, Any]) -> dict[int, dict]:
    """Create or resume the parts directory; returns the done chunks' markers by chunk number."""
    job_file = work / "job.json"
    if work.is_dir() and job_file.is_file():
        old = json.loads(job_file.read_text(encoding="utf-8"))
        changed = [k for k in settings if old.get(k) != settings[k]]
        if changed:
            raise BatchError(f"{work} holds an unfinished job with other settings ({', '.join(changed)} differ); "
                             f"rerun it with the same settings, or delete {work} to start over")
    else:
        work.mkdir(exist_ok=True)
        tmp = work / "job.json.tmp"
        tmp.write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
        _replace(tmp, job_file)
    done = {}
    for marker in work.glob("chunk-*.json"):
        done[int(marker.stem.split("-")[1])] = json.loads(marker.read_text(encoding="utf-8"))
    for leftover in work.iterdir():  # files of a chunk that was interrupted before its marker
        if leftover.name.endswith(".tmp") or (leftover.name.startswith(("part-", "errors-"))
                                              and int(leftover.name.split("-")[1].split(".")[0]) not in done):
            leftover.unlink()
    return done


class _Chunk:
    """One chunk being written: part file and errors file under temporary names."""

    def __init__(self, work: Path, number: int, kind: str, explode: bool, jsonl_input: bool):
        self.work, self.number, self.kind = work, number, kind
        self.part = work / f"part-{number:08d}.{kind}"
        self.errors_file = work / f"errors-{number:08d}.jsonl"
        self.out = OutputWriter(self.part.with_name(self.part.name + ".tmp"), kind, explode)
        self.err = ErrorWriter(self.errors_file.with_name(self.errors_file.name + ".tmp"), jsonl_input)
        self.rows = 0

    def commit(self) -> dict:
        self.out.close()
        self.err.close()
        _replace(self.err.path, self.errors_file)
        _replace(self.out.path, self.part)
        marker = {"rows": self.rows, "documents": self.out.documents, "errors": self.err.count,
                  "segments": self.out.segments}
        tmp = self.work / f"chunk-{self.number:08d}.json.tmp"
        tmp.write_text(json.dumps(marker) + "\n", encoding="utf-8")
        _replace(tmp, self.work / f"chunk-{self.number:08d}.json")
        return marker


def _classify_chunk(classifier, rows: list[InputRow], chunk: _Chunk, batch_size: int | None) -> None:
    good = [r for r in rows if r.error is None]
    results = classifier.classify_many((r.text for r in good), doc_ids=[r.id for r in good], batch_size=batch_size)
    by_row = {}
    for r, segments in zip(good, results):
        by_row[r.row] = [s.to_dict() for s in segments]
    for r in rows:  # in row order, errors and documents interleaved as in the input
        chunk.rows += 1
        if r.error is not None:
            chunk.err.write(r.row, r.id, r.error)
        else:
            chunk.out.write(r.row, r.id, r.format, by_row.pop(r.row))


def _join(work: Path, n_chunks: int, kind: str, explode: bool, output: Path, errors_path: Path) -> None:
    """Concatenate the committed chunks, in order, into the final files (streamed)."""
    tmp_err = errors_path.with_name(errors_path.name + ".tmp")
    with open(tmp_err, "wb") as dst:
        for k in range(n_chunks):
            with open(work / f"errors-{k:08d}.jsonl", "rb") as src:
                shutil.copyfileobj(src, dst)
        dst.flush()
        os.fsync(dst.fileno())
    tmp_out = output.with_name(output.name + ".tmp")
    if kind == "jsonl":
        with open(tmp_out, "wb") as dst:
            for k in range(n_chunks):
                with open(work / f"part-{k:08d}.jsonl", "rb") as src:
                    shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
    else:
        import pyarrow.parquet as pq

        from claimsift.batchio import output_schema

        with pq.ParquetWriter(tmp_out, output_schema(explode), compression="zstd") as writer:
            for k in range(n_chunks):
                for batch in pq.ParquetFile(work / f"part-{k:08d}.parquet").iter_batches(batch_size=2048):
                    writer.write_batch(batch)
    _replace(tmp_err, errors_path)
    _replace(tmp_out, output)


def run_local(
    input_path: str | Path,
    output: str | Path,
    model: str | Path,
    precision: str = "auto",
    explode: bool = False,
    errors_path: str | Path | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    batch_size: int | None = None,
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES,
    overwrite: bool = False,
    progress: bool = True,
    classifier=None,
) -> BatchResult:
    """Classify every row of ``input_path`` into ``output`` on this machine, resumably.

    Args:
        input_path: JSONL or Parquet with ``id``, ``text`` and optional ``format`` per row.
        output: JSONL or Parquet (by extension).
        model: a trained model directory (see ``Classifier.load``).
        precision: ``auto``, ``fp32`` or ``bf16`` (transformer models).
        explode: one output row per segment instead of one per document.
        errors_path: where refused rows go (default ``OUTPUT`` stem + ``.errors.jsonl``).
        chunk_rows: rows per committed chunk.
        batch_size: sentences per forward pass (default: the model's).
        max_doc_bytes: largest document text accepted, in UTF-8 bytes.
        overwrite: replace an existing finished ``output`` (an unfinished job always resumes).
        progress: show a progress bar on stderr.
        classifier: an already loaded ``Classifier`` (else ``model`` is loaded).

    Raises:
        BatchError: bad paths, an existing output without ``overwrite``, or a resume with other settings.
        claimsift.modelmeta.ModelError: the model cannot be loaded.
    """
    input_path, output = Path(input_path), Path(output)
    errors_path = Path(errors_path) if errors_path else default_errors_path(output)
    kind = check_paths(input_path, output, errors_path)
    if chunk_rows < 1:
        raise BatchError(f"chunk_rows must be at least 1 (got {chunk_rows})")
    work = parts_dir(output)
    total = count_rows(input_path)  # also checks the input exists and a Parquet file has id/text
    if output.exists() and not work.exists() and not overwrite:
        raise BatchError(f"{output} exists; pass --overwrite to replace it")
    settings = _job_settings(input_path, Path(model), precision, explode, chunk_rows, max_doc_bytes)
    done = _open_job(work, settings)
    if classifier is None:
        from claimsift.classifier import Classifier

        classifier = Classifier.load(model, precision=precision)
    from tqdm.auto import tqdm

    resumed = sum(m["rows"] for m in done.values())
    bar = tqdm(total=total, initial=resumed, unit=" rows", desc="classify", disable=not progress,
               file=sys.stderr, mininterval=1)
    jsonl_input = input_kind(input_path) == "jsonl"
    rows: list[InputRow] = []
    current = -1

    def flush() -> None:
        if rows:
            chunk = _Chunk(work, current, kind, explode, jsonl_input)
            _classify_chunk(classifier, rows, chunk, batch_size)
            done[current] = chunk.commit()
            bar.update(len(rows))
            rows.clear()

    want = lambda row: (row // chunk_rows) not in done  # noqa: E731 - done chunks are not even parsed
    for r in iter_rows(input_path, max_doc_bytes, want=want):
        if r.row // chunk_rows != current:
            flush()
            current = r.row // chunk_rows
        rows.append(r)
    flush()
    bar.close()
    n_chunks = max(done) + 1 if done else 0
    missing = [k for k in range(n_chunks) if k not in done]
    if missing:  # cannot happen unless the input shrank under a running job
        raise BatchError(f"{work}: chunks {missing[:5]} missing; the input changed during the job")
    _join(work, n_chunks, kind, explode, output, errors_path)
    shutil.rmtree(work)
    totals = {key: sum(m[key] for m in done.values()) for key in ("rows", "documents", "errors", "segments")}
    result = BatchResult(totals["rows"], totals["documents"], totals["errors"], totals["segments"], resumed,
                         str(output), str(errors_path), "local")
    if result.documents + result.errors != result.rows:
        raise BatchError(f"internal error: {asdict(result)} does not account for every row")
    return result
