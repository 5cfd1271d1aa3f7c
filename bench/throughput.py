"""Classification throughput of both trained models on the seed document (sentences/s).

Run after `dvc repro`:  .venv/bin/python bench/throughput.py [--repeats 5]
Prints one row per model: body sentences classified, best-of-N wall time, sentences/s, and
the cold-start load time. Segmentation time is included (it is part of classify()).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import torch

from claimsift import Classifier

SEED = Path("data/raw/000_d102734279138d1d.txt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=["models/tfidf", "models/transformer"])
    args = parser.parse_args()
    text = SEED.read_text(encoding="utf-8")
    print(f"# {platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads, "
          f"cuda={torch.cuda.is_available()}, document {SEED.name} ({len(text)} chars)")
    print(f"{'model':<22}{'sentences':>10}{'load s':>9}{'best s':>9}{'sent/s':>10}")
    for model_dir in args.models:
        t0 = time.perf_counter()
        clf = Classifier.load(model_dir)
        load = time.perf_counter() - t0
        clf.classify(text)  # warm-up
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            records = clf.classify(text)
            times.append(time.perf_counter() - t0)
        n = sum(r.body for r in records)
        best = min(times)
        print(f"{model_dir:<22}{n:>10}{load:>9.2f}{best:>9.4f}{n / best:>10.1f}")


if __name__ == "__main__":
    main()
