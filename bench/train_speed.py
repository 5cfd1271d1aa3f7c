"""Fine-tuning speed of the transformer stage on whatever device is present (GPU if any).

Run after the `label` stage:  python bench/train_speed.py [--epochs 4] [--batch-size 16]
Prints the device, seconds per epoch, training sentences/s and dev macro-F1 per epoch, using
the same `claimsift.transformer.train` the DVC stage runs, with `params.yaml`'s settings.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import torch

from claimsift import transformer
from claimsift.features import model_input
from claimsift.records import load_params
from claimsift.stages.common import labelled_sentences


def main() -> None:
    params = load_params("train_transformer")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=int(params["epochs"]))
    parser.add_argument("--batch-size", type=int, default=int(params["batch_size"]))
    args = parser.parse_args()
    data = Path(params["data"])
    train, dev = labelled_sentences(data, "train"), labelled_sentences(data, "dev")
    use_ctx = bool(params["use_quote_context"])
    device = transformer.pick_device()
    name = torch.cuda.get_device_name(0) if device.type == "cuda" else (platform.processor() or platform.machine())
    print(f"# device {device} ({name}), torch {torch.__version__}, {torch.get_num_threads()} CPU threads, "
          f"{len(train)} train / {len(dev)} dev sentences, batch {args.batch_size}, {args.epochs} epochs")
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        result = transformer.train(
            [model_input(r, use_ctx) for r in train], [r["label"] for r in train],
            [model_input(r, use_ctx) for r in dev], [r["label"] for r in dev],
            Path(out), epochs=args.epochs, batch_size=args.batch_size,
            learning_rate=float(params["learning_rate"]), weight_decay=float(params["weight_decay"]),
            warmup_ratio=float(params["warmup_ratio"]), max_length=int(params["max_length"]),
            seed=int(params["seed"]), progress=False,
        )
        total = time.perf_counter() - t0
    print(f"{'epoch':>5}{'dev macro-F1':>14}{'train loss':>12}")
    for h in result["history"]:
        print(f"{h['epoch']:>5}{h['dev_macro_f1']:>14.4f}{h['train_loss']:>12.4f}")
    print(f"total {total:.1f} s (model load, tokenisation, {args.epochs} epochs, dev eval, save); "
          f"{len(train) * args.epochs / total:.1f} training sentences/s overall; best epoch {result['best_epoch']}")


if __name__ == "__main__":
    main()
