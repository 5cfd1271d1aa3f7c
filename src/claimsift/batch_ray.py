"""Batch classification on Ray Data: the same rows, checks and records as the local engine.

The input is read by a Ray :class:`~ray.data.Datasource` that cuts it into pieces with known
first row numbers (Parquet by row group, from the footer; JSONL by byte range, from one cheap
newline count), so every row keeps its number: Ray's stock readers do not give row numbers, and
rows are keyed by them (ids repeat). ``map_batches`` runs a pool of actors that each load the
model once (CPU or GPU per actor, configurable); the driver streams their results into OUTPUT
and the errors file (temporary names, renamed at the end). Output rows come in completion order;
each carries its ``row``.

Ray is the optional ``[scale]`` extra. It connects to ``address`` (or ``$RAY_ADDRESS``) or
starts a local instance; the claimsift package is shipped to the workers with the job
(``py_modules``), and the model directory must be readable at the same path on every node.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from claimsift.batch import BatchResult, check_paths, default_errors_path
from claimsift.batchio import (
    DEFAULT_MAX_DOC_BYTES, BatchError, ErrorWriter, OutputWriter, count_rows, input_kind, iter_split, jsonl_splits,
    parquet_splits,
)

__all__ = ["run_ray", "ClassifyActor"]

_BLOCK_ROWS = 256
_SPLIT_BYTES = 16 << 20
_SPLIT_ROWS = 20_000


def _rows_schema():
    import pyarrow as pa

    return pa.schema([("row", pa.int64()), ("id", pa.string()), ("text", pa.string()), ("format", pa.string()),
                      ("error", pa.string())])


def _make_datasource(path: Path, max_doc_bytes: int):
    import pyarrow as pa
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasource, ReadTask

    kind = input_kind(path)
    splits = parquet_splits(path, _SPLIT_ROWS) if kind == "parquet" else jsonl_splits(path, _SPLIT_BYTES)
    size = os.path.getsize(path)
    schema = _rows_schema()

    def read(split) -> Any:
        rows: list[dict] = []
        for r in iter_split(path, split, max_doc_bytes):
            rows.append({"row": r.row, "id": r.id, "text": r.text, "format": r.format, "error": r.error})
            if len(rows) >= _BLOCK_ROWS:
                yield pa.Table.from_pylist(rows, schema=schema)
                rows = []
        if rows:
            yield pa.Table.from_pylist(rows, schema=schema)

    class RowsSource(Datasource):
        """The input file's rows with their row numbers, one read task per piece."""

        def estimate_inmemory_data_size(self) -> int | None:
            return size

        def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None,
                           data_context: Any = None) -> list:
            return [
                ReadTask(lambda split=split: read(split),
                         BlockMetadata(num_rows=None, size_bytes=size // max(1, len(splits)), exec_stats=None,
                                       input_files=[str(path)]),
                         schema=schema)
                for split in splits
            ]

        def get_name(self) -> str:
            return "ClaimsiftRows"

    return RowsSource()


class ClassifyActor:
    """A Ray Data actor: loads the model once, classifies batches of rows (a ``pyarrow.Table``).

    Refused rows pass through with their ``error``; documents get ``segments`` as a JSON string
    (the records of ``ClassifiedSegment.to_dict()``), which the driver writes out.
    """

    def __init__(self, model: str, precision: str, batch_size: int | None, torch_threads: int | None):
        if torch_threads:
            import torch

            torch.set_num_threads(torch_threads)
        from claimsift.classifier import Classifier

        self.classifier = Classifier.load(model, precision=precision)
        self.batch_size = batch_size

    def __call__(self, batch):
        import pyarrow as pa

        rows = batch.to_pylist()
        good = [r for r in rows if r["error"] is None]
        results = self.classifier.classify_many((r["text"] for r in good), doc_ids=[r["id"] for r in good],
                                                batch_size=self.batch_size)
        segments = {r["row"]: json.dumps([s.to_dict() for s in segs], ensure_ascii=False)
                    for r, segs in zip(good, results)}
        return pa.table({
            "row": pa.array([r["row"] for r in rows], pa.int64()),
            "id": pa.array([r["id"] for r in rows], pa.string()),
            "format": pa.array([r["format"] for r in rows], pa.string()),
            "error": pa.array([r["error"] for r in rows], pa.string()),
            "segments": pa.array([segments.get(r["row"]) for r in rows], pa.string()),
        })


def _start_ray(address: str | None, num_cpus: int | None) -> bool:
    """Connect to ``address`` / ``$RAY_ADDRESS`` or start a local Ray; False if already connected."""
    import ray

    if ray.is_initialized():
        return False
    import claimsift

    package = str(Path(claimsift.__file__).parent)
    # Ship this claimsift to the workers so they run the driver's code, whatever is installed there.
    kwargs: dict[str, Any] = {"runtime_env": {"py_modules": [package]}, "include_dashboard": False,
                              "log_to_driver": False}
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address:
        ray.init(address=address, **kwargs)
    else:
        ray.init(num_cpus=num_cpus, **kwargs)
    return True


def run_ray(
    input_path: str | Path,
    output: str | Path,
    model: str | Path,
    precision: str = "auto",
    explode: bool = False,
    errors_path: str | Path | None = None,
    actors: int = 1,
    cpus_per_actor: float = 1.0,
    gpus_per_actor: float = 0.0,
    docs_per_batch: int = 64,
    batch_size: int | None = None,
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES,
    address: str | None = None,
    num_cpus: int | None = None,
    overwrite: bool = False,
    progress: bool = True,
) -> BatchResult:
    """Classify every row of ``input_path`` into ``output`` with Ray Data.

    Args:
        input_path, output, model, precision, explode, errors_path, batch_size, max_doc_bytes,
            overwrite: as for :func:`claimsift.batch.run_local`.
        actors: size of the actor pool (each loads the model once).
        cpus_per_actor, gpus_per_actor: Ray resources each actor reserves (a GPU actor runs the
            transformer on its GPU).
        docs_per_batch: rows handed to an actor at a time.
        address: a Ray cluster to connect to (default ``$RAY_ADDRESS``, else a local Ray).
        num_cpus: CPUs of a local Ray started here (default: all).

    Raises:
        BatchError: bad paths or an existing output without ``overwrite``.
        ImportError: Ray is not installed (``pip install 'claimsift[scale]'``).
    """
    input_path, output = Path(input_path), Path(output)
    errors_path = Path(errors_path) if errors_path else default_errors_path(output)
    kind = check_paths(input_path, output, errors_path)
    count_rows(input_path)  # checks existence and a Parquet file's columns before Ray starts
    if output.exists() and not overwrite:
        raise BatchError(f"{output} exists; pass --overwrite to replace it")
    if not Path(model, "claimsift.json").is_file():
        from claimsift.modelmeta import read_metadata

        read_metadata(Path(model))  # raises the usual ModelError with its message
    import ray
    from ray.data import ActorPoolStrategy, DataContext

    started = _start_ray(address, num_cpus)
    try:
        ctx = DataContext.get_current()
        ctx.enable_progress_bars = progress
        # Reads reserve no CPU: parsing is light next to classifying, and actors that hold every
        # CPU (2 actors on 2 CPUs) would otherwise leave no slot for a read task, and Ray hangs.
        ds = ray.data.read_datasource(_make_datasource(input_path, max_doc_bytes), num_cpus=0,
                                      concurrency=max(1, actors))
        ds = ds.map_batches(
            ClassifyActor,
            fn_constructor_kwargs={"model": str(Path(model).resolve()), "precision": precision,
                                   "batch_size": batch_size, "torch_threads": max(1, int(cpus_per_actor))},
            compute=ActorPoolStrategy(size=actors),
            batch_size=docs_per_batch, batch_format="pyarrow",
            num_cpus=cpus_per_actor, num_gpus=gpus_per_actor or None,
        )
        tmp_out = output.with_name(output.name + ".tmp")
        tmp_err = errors_path.with_name(errors_path.name + ".tmp")
        writer = OutputWriter(tmp_out, kind, explode)
        errors = ErrorWriter(tmp_err, input_kind(input_path) == "jsonl")
        rows = 0
        try:
            for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
                for r in batch.to_pylist():
                    rows += 1
                    if r["error"] is not None:
                        errors.write(r["row"], r["id"], r["error"])
                    else:
                        writer.write(r["row"], r["id"], r["format"], json.loads(r["segments"]))
        finally:
            writer.close()
            errors.close()
    finally:
        if started:
            ray.shutdown()
    os.replace(tmp_err, errors_path)
    os.replace(tmp_out, output)
    result = BatchResult(rows, writer.documents, errors.count, writer.segments, 0, str(output), str(errors_path), "ray")
    if result.documents + result.errors != result.rows:
        raise BatchError("internal error: the Ray job did not account for every row")
    return result
