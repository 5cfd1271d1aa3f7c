"""The ``claimsift batch`` subcommand: argument parsing and the terminal side of batch jobs.

Registered by ``claimsift.cli`` with :func:`add_batch_command`; the work is in
:mod:`claimsift.batch` (local engine) and :mod:`claimsift.batch_ray` (Ray engine).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable

__all__ = ["add_batch_command", "cmd_batch"]


def add_batch_command(sub, default_model: Callable[[], Path]) -> None:
    """Add ``batch`` to the subparsers ``sub`` of the claimsift parser."""
    from claimsift.batch import DEFAULT_CHUNK_ROWS
    from claimsift.batchio import DEFAULT_MAX_DOC_BYTES

    b = sub.add_parser("batch", help="classify a corpus: JSONL/Parquet in and out, resumable, local or on Ray",
                       description="Classify every row (id, text, optional format) of INPUT into OUTPUT. "
                                   "Refused rows go to the errors file with their row number and reason.")
    b.add_argument("input", help="input .jsonl or .parquet with id and text per row")
    b.add_argument("--out", required=True, help="output .jsonl or .parquet")
    b.add_argument("--engine", choices=["local", "ray"], default="local")
    b.add_argument("--model", default=None,
                   help="trained model directory (default: $CLAIMSIFT_MODEL, else models/transformer of this project)")
    b.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto")
    b.add_argument("--explode", action="store_true", help="one output row per segment instead of per document")
    b.add_argument("--errors", default=None, help="errors file (default: OUTPUT stem + .errors.jsonl)")
    b.add_argument("--batch-size", type=int, default=None, help="sentences per forward pass")
    b.add_argument("--max-doc-bytes", type=int, default=DEFAULT_MAX_DOC_BYTES, help="largest document text, bytes")
    b.add_argument("--overwrite", action="store_true", help="replace an existing finished OUTPUT")
    b.add_argument("--no-progress", action="store_true")
    b.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS,
                   help="local: rows per committed chunk (the most an interruption loses)")
    b.add_argument("--ray-address", default=None, help="ray: cluster address (default $RAY_ADDRESS, else a local Ray)")
    b.add_argument("--actors", type=int, default=1, help="ray: actors, each loads the model once")
    b.add_argument("--cpus-per-actor", type=float, default=1.0)
    b.add_argument("--gpus-per-actor", type=float, default=0.0)
    b.add_argument("--docs-per-batch", type=int, default=64, help="ray: rows handed to an actor at a time")
    b.add_argument("--num-cpus", type=int, default=None, help="ray: CPUs of a local Ray started here")
    b.set_defaults(func=cmd_batch, default_model=default_model)


def cmd_batch(args: argparse.Namespace) -> int:
    """Run the job; one line of counts on stderr. Exit 0 when every row was classified, 1 when some
    rows were refused (in the errors file, the rest written), 2 when the job cannot run, 130 when
    interrupted (rerun the same command to resume a local job)."""
    from claimsift.batchio import BatchError
    from claimsift.modelmeta import ModelError

    common = dict(model=args.model or args.default_model(), precision=args.precision, explode=args.explode, errors_path=args.errors,
                  batch_size=args.batch_size, max_doc_bytes=args.max_doc_bytes, overwrite=args.overwrite,
                  progress=not args.no_progress)
    try:
        if args.engine == "local":
            from claimsift.batch import run_local

            result = run_local(args.input, args.out, chunk_rows=args.chunk_rows, **common)
        else:
            try:
                from claimsift.batch_ray import run_ray
                import ray  # noqa: F401
            except ImportError:
                print("claimsift: error: --engine ray needs the [scale] extra: pip install 'claimsift[scale]'",
                      file=sys.stderr)
                return 2
            result = run_ray(args.input, args.out, actors=args.actors, cpus_per_actor=args.cpus_per_actor,
                             gpus_per_actor=args.gpus_per_actor, docs_per_batch=args.docs_per_batch,
                             address=args.ray_address or os.environ.get("RAY_ADDRESS"), num_cpus=args.num_cpus,
                             **common)
    except (BatchError, ModelError, ValueError) as exc:
        print(f"claimsift: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        hint = "; rerun the same command to resume" if args.engine == "local" else ""
        print(f"claimsift: interrupted{hint}", file=sys.stderr)
        return 130
    print(f"claimsift: {result.summary()}", file=sys.stderr)
    return 1 if result.errors else 0
