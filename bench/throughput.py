"""Classification throughput: the per-document path before the batch API vs ``classify_many``.

Run after `dvc repro`:  .venv/bin/python bench/throughput.py [--docs 40] [--repeats 3]

Over the seed article plus real documents (GUM Wikinews news/interviews and OneStopEnglish
Guardian articles from data/raw), segmentation included, it prints sentences/s for:

- ``per-doc (before)``: a faithful copy of the inference path before the batch API: one
  ``classify`` call per document, tokenising through ``datasets.Dataset.map`` and batches of 32
  padded by ``DataCollatorWithPadding`` (fp32);
- ``classify_many`` at each precision (fp32, bf16, auto) and the TF-IDF model both ways;
- the model's bare forward rate (pre-tokenised, fp32 and bf16) for reference, and the share of it
  that `classify_many` at `auto` reaches (a context model reads (sentence, neighbours) pairs).

``sent/cpu-s`` divides by the CPU time of this process (all its threads) instead of wall time:
on a machine shared with other work it moves less than ``sent/s``.

It then checks label agreement of each non-fp32 precision with fp32, pooled over the body
sentences of every real document in data/raw, the seed, and the written test split (the
labelled test sentences of ``--labelled``): no real gold test split exists yet.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch

from claimsift import Classifier
from claimsift.features import model_input, neighbour_context
from claimsift.labels import LABELS
from claimsift.segment import segment_document

RAW = Path("data/raw")
SEED = "000_d102734279138d1d"


def real_documents(raw: Path, n: int) -> list[tuple[str, str]]:
    """The seed plus ``n - 1`` real documents taken evenly from the sorted GUM/OSE files."""
    real = sorted(p for p in raw.glob("*.txt") if p.name.startswith(("gum_", "ose_")))
    step = max(1, len(real) // max(1, n - 1))
    picked = real[::step][: n - 1]
    return [(SEED, (raw / f"{SEED}.txt").read_text(encoding="utf-8"))] + [
        (p.stem, p.read_text(encoding="utf-8")) for p in picked
    ]


class LegacyTransformer:
    """The transformer inference path before the batch API (copied from transformer.py at d0c4ae4)."""

    def __init__(self, model_dir: Path, batch_size: int = 32, max_length: int = 128):
        from transformers import AutoTokenizer, DataCollatorWithPadding

        from claimsift.transformer import load_checked

        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        # The model's own class (the Auto classes would read a mean-pooling model as first-token).
        self.model = load_checked(model_dir)[1].eval()
        self.collator = DataCollatorWithPadding(self.tokenizer)
        self.batch_size, self.max_length = batch_size, max_length

    @torch.no_grad()
    def predict_proba(self, texts: list[str]) -> np.ndarray:
        from datasets import Dataset, disable_progress_bars

        disable_progress_bars()
        if texts and isinstance(texts[0], tuple):  # a context model: (sentence, neighbours) pairs
            first, second = map(list, zip(*texts))
            dataset = Dataset.from_dict({"text": first, "pair": second}).map(
                lambda b: self.tokenizer(b["text"], b["pair"], truncation=True, max_length=self.max_length),
                batched=True, remove_columns=["text", "pair"])
        else:
            dataset = Dataset.from_dict({"text": list(texts)}).map(
                lambda b: self.tokenizer(b["text"], truncation=True, max_length=self.max_length),
                batched=True, remove_columns=["text"])
        lengths = [len(ids) for ids in dataset["input_ids"]]
        order = sorted(range(len(lengths)), key=lengths.__getitem__)
        out = np.zeros((len(lengths), len(LABELS)), dtype=np.float32)
        pos = 0
        for i in range(0, len(order), self.batch_size):
            rows = dataset.select(order[i : i + self.batch_size])
            batch = self.collator([rows[j] for j in range(len(rows))])
            probs = torch.softmax(self.model(**batch).logits.float(), dim=-1).numpy()
            out[order[pos : pos + len(probs)]] = probs
            pos += len(probs)
        return out


def legacy_classify_all(predict, docs, use_quote_context: bool, uses_context: bool = False) -> int:
    """The old ``Classifier.classify`` loop: segment, then score each document on its own
    (a context model gets each sentence with its neighbours, as a text pair)."""
    n = 0
    for doc_id, text in docs:
        body = [s.to_dict() for s in segment_document(text, doc_id) if s.body]
        if body:
            inputs = [model_input(r, use_quote_context) for r in body]
            predict(list(zip(inputs, neighbour_context(body))) if uses_context else inputs)
        n += len(body)
    return n


CPU_SECONDS: dict[int, float] = {}


def timed(fn, repeats: int) -> tuple[float, int]:
    """Best wall time of ``repeats`` runs, and the count ``fn`` returns; the CPU time of that
    best run (all threads of this process) is kept for :func:`row`."""
    best, n = float("inf"), 0
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        n = fn()
        wall = time.perf_counter() - t0
        if wall < best:
            best, CPU_SECONDS[0] = wall, time.process_time() - c0
    return best, n


def row(name: str, precision: str, n: int, seconds: float, base: float | None) -> None:
    rate = n / seconds
    speedup = f"{rate / base:>9.1f}x" if base else f"{'':>10}"
    print(f"{name:<34}{precision:<10}{n:>9}{seconds:>9.2f}{rate:>10.0f}{speedup}{n / CPU_SECONDS[0]:>10.0f}",
          flush=True)


def agreement_pool(raw: Path, labelled: Path) -> list[dict]:
    """Body-sentence records: every real document in data/raw, the seed, the written test split."""
    records = []
    for p in sorted(raw.glob("*.txt")):
        if p.name.startswith(("gum_", "ose_")) or p.stem == SEED:
            records += [s.to_dict() for s in segment_document(p.read_text(encoding="utf-8"), p.stem) if s.body]
    if labelled.is_file():
        with open(labelled, encoding="utf-8") as fh:
            records += [r for r in map(json.loads, fh) if r.get("split") == "test" and r["doc"] != SEED]
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--transformer", default="models/transformer")
    parser.add_argument("--tfidf", default="models/tfidf")
    parser.add_argument("--raw", default=str(RAW))
    parser.add_argument("--labelled", default="data/labelled/sentences.jsonl")
    parser.add_argument("--docs", type=int, default=40, help="documents timed (the seed + real ones)")
    parser.add_argument("--repeats", type=int, default=3, help="best of N for classify_many rows")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's, one per core)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    raw = Path(args.raw)
    docs = real_documents(raw, args.docs)
    texts, ids = [t for _, t in docs], [d for d, _ in docs]
    chars = sum(map(len, texts))
    print(f"# {platform.machine()} {platform.processor() or ''}, {torch.get_num_threads()} torch threads, "
          f"cuda={torch.cuda.is_available()}; {len(docs)} documents ({chars:,} chars: the seed + real GUM/OSE "
          f"from {raw}), segmentation included; load average {os.getloadavg()[0]:.1f} (other processes share the CPU)")
    print(f"{'path':<34}{'prec':<10}{'sentences':>9}{'best s':>9}{'sent/s':>10}{'vs before':>10}{'sent/cpu-s':>10}")

    # Before: one document at a time through datasets.map (timed once: it is slow).
    clf32 = Classifier.load(args.transformer, precision="fp32")
    legacy = LegacyTransformer(Path(args.transformer), max_length=int(clf32.metadata["params"].get("max_length", 128)))
    legacy_classify_all(legacy.predict_proba, docs[:2], clf32.use_quote_context, clf32.uses_context)  # warm-up
    t_old, n = timed(lambda: legacy_classify_all(legacy.predict_proba, docs, clf32.use_quote_context,
                                                 clf32.uses_context), 1)
    base = n / t_old
    row("transformer per-doc (before)", "fp32", n, t_old, None)

    def many(clf):
        return lambda: sum(sum(s.body for s in segs) for segs in clf.classify_many(texts, ids))

    runs = {"fp32": clf32}
    rates: dict[str, float] = {}
    for precision in ("bf16", "auto"):
        runs[precision] = Classifier.load(args.transformer, precision=precision)
    print(f"# load average {os.getloadavg()[0]:.1f}", flush=True)
    for precision, clf in runs.items():
        list(clf.classify_many(texts[:3], ids[:3]))  # warm-up (oneDNN kernels, allocator)
        seconds, n = timed(many(clf), args.repeats)
        rates[precision] = n / seconds
        label = precision if precision != "auto" else f"auto={clf.precision}"
        row("transformer classify_many", label, n, seconds, base)

    # The bare model: pre-tokenised forward passes only (an upper bound for the pipeline).
    body = [s.to_dict() for d, t in docs for s in segment_document(t, d) if s.body]
    inputs: list = clf32.model_inputs(body)
    if clf32.uses_context:
        inputs = list(zip(inputs, neighbour_context(body)))
    forward = {}
    for precision in ("fp32", "bf16"):
        predict = runs[precision]._predict_proba
        seconds, _ = timed(lambda: predict(inputs, None), args.repeats)
        forward[precision] = len(inputs) / seconds
        row("transformer predict_proba only", precision, len(inputs), seconds, base)
    auto_rate = rates["auto"]
    print(f"# classify_many auto is {auto_rate / forward[runs['auto'].precision]:.0%} of the model's own forward-pass "
          f"rate at {runs['auto'].precision} ({'context pairs' if clf32.uses_context else 'single sentences'})")

    tf = Classifier.load(args.tfidf)
    t_tf_old, n = timed(lambda: legacy_classify_all(lambda x: tf._predict_proba(x, None), docs, tf.use_quote_context),
                        args.repeats)
    row("tfidf per-doc (before)", "fp64", n, t_tf_old, base)
    seconds, n = timed(many(tf), args.repeats)
    row("tfidf classify_many", "fp64", n, seconds, base)

    pool = agreement_pool(raw, Path(args.labelled))
    p32 = clf32.predict_proba(pool)
    n_real = sum(1 for r in pool if "split" not in r)
    print(f"\n# label agreement with fp32 over {len(pool)} body sentences ({n_real} from every real document "
          f"in {raw} incl. the seed, {len(pool) - n_real} from the written test split)")
    for precision in ("bf16",):
        p = runs[precision].predict_proba(pool)
        agree = float((p.argmax(1) == p32.argmax(1)).mean())
        verdict = "accepted (>= 99.5%)" if agree >= 0.995 else "REFUSED (< 99.5%)"
        print(f"{precision:<6} agreement {agree:.4f}  max |dp| {np.abs(p - p32).max():.4f}  "
              f"mean |dp| {np.abs(p - p32).mean():.5f}  {verdict}")


if __name__ == "__main__":
    main()
