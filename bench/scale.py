"""Corpus-scale batch classification: local engine at 10% and 100% of a large corpus, and Ray.

Run:  .venv/bin/python bench/scale.py [--model models/tfidf] [--sentences 200000] [--work /tmp/claimsift-scale]

The corpus is built here from the project's own documents (every ``data/raw/*.txt``), repeated
with new ids until it holds at least ``--sentences`` body sentences (counted with the project's
segmenter), written as JSONL. Each job runs as a real ``claimsift batch`` subprocess; wall time
includes start-up and model loading, and peak RSS is the child's own (``wait4``). It prints:

- ``classify_many`` in one process over the 10% corpus, no files: the path batch jobs wrap;
- the local engine on 10% and 100% of the corpus: sentences/s and peak RSS (memory must not
  grow with corpus size);
- the Ray engine (local Ray, ``--ray-cpus`` CPUs) with 1 and 2 actors on ``--ray-fraction``;
- optionally (``--transformer DIR``) the local engine with the transformer on ``--transformer-fraction``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimsift.segment import segment_document  # noqa: E402


def build_corpus(raw: Path, target: int, out: Path) -> tuple[int, int, list[int]]:
    """Write the corpus; returns (rows, body sentences, cumulative body sentences by row)."""
    docs = []
    for p in sorted(raw.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        docs.append((p.stem, text, sum(s.body for s in segment_document(text, p.stem))))
    total, rows, cumulative = 0, 0, []
    with open(out, "w", encoding="utf-8") as fh:
        while total < target:
            stem, text, n = docs[rows % len(docs)]
            fh.write(json.dumps({"id": f"{stem}#{rows // len(docs)}", "text": text}, ensure_ascii=False) + "\n")
            rows += 1
            total += n
            cumulative.append(total)
    return rows, total, cumulative


def head(src: Path, rows: int, out: Path) -> None:
    with open(src, encoding="utf-8") as fh, open(out, "w", encoding="utf-8") as dst:
        for _, line in zip(range(rows), fh):
            dst.write(line)


def run_job(args: list[str]) -> tuple[float, float, str]:
    """Run ``claimsift batch`` ARGS; returns (wall seconds, peak RSS MiB of the child, stderr tail)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "claimsift.cli", "batch", *args, "--no-progress", "--overwrite"],
                            env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    stderr = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"job failed: {stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stderr.strip().splitlines()[-1]


def in_process(model: str, corpus: Path) -> tuple[float, int]:
    from claimsift import Classifier

    clf = Classifier.load(model)
    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
    t0 = time.perf_counter()
    n = sum(s.body for segs in clf.classify_many(texts) for s in segs)
    return time.perf_counter() - t0, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="models/tfidf")
    ap.add_argument("--transformer", default=None, help="also run the local engine with this transformer model")
    ap.add_argument("--transformer-fraction", type=float, default=0.01)
    ap.add_argument("--sentences", type=int, default=200_000)
    ap.add_argument("--work", default="/tmp/claimsift-scale")
    ap.add_argument("--ray-fraction", type=float, default=0.1)
    ap.add_argument("--ray-cpus", type=int, default=os.cpu_count())
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    full = work / "corpus.jsonl"
    rows, sentences, cumulative = build_corpus(ROOT / "data/raw", args.sentences, full)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"{'GPU' if _has_gpu() else 'no GPU'}; python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")
    print(f"corpus: {rows:,} documents, {sentences:,} body sentences, {full.stat().st_size / 1e6:.1f} MB "
          f"(data/raw repeated); model {args.model}")

    def part(fraction: float) -> tuple[Path, int, int]:
        n = max(1, round(rows * fraction))
        path = work / f"corpus_{int(fraction * 1000)}.jsonl"
        head(full, n, path)
        return path, n, cumulative[n - 1]

    tenth, n10, s10 = part(0.1)
    results = []
    secs, n = in_process(args.model, tenth)
    results.append(("classify_many in-process (no I/O, no start-up)", "10%", n, secs, None))
    print(f"  done: in-process {n / secs:,.0f} sentences/s", flush=True)
    for label, path, n_sent in (("local engine", tenth, s10), ("local engine", full, sentences)):
        wall, rss, summary = run_job([str(path), "--out", str(work / "out_local.parquet"), "--model", args.model])
        results.append((label, "10%" if path == tenth else "100%", n_sent, wall, rss))
        print(f"  done: {label} {path.name}: {summary}", flush=True)
    if args.transformer:
        tpath, _, ts = part(args.transformer_fraction)
        wall, rss, summary = run_job([str(tpath), "--out", str(work / "out_tf.jsonl"), "--model", args.transformer])
        results.append((f"local engine, transformer {args.transformer}", f"{args.transformer_fraction:.0%}", ts, wall, rss))
        print(f"  done: transformer: {summary}", flush=True)
    if not args.no_ray:
        rpath, _, rs = part(args.ray_fraction)
        for actors in (1, 2):
            wall, _, summary = run_job([str(rpath), "--out", str(work / "out_ray.parquet"), "--model", args.model,
                                        "--engine", "ray", "--actors", str(actors), "--num-cpus", str(args.ray_cpus)])
            results.append((f"ray engine, {actors} actor(s), local Ray {args.ray_cpus} CPUs",
                            f"{args.ray_fraction:.0%}", rs, wall, None))
            print(f"  done: ray {actors}: {summary}", flush=True)

    print(f"\n| path | corpus | body sentences | wall s | sentences/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    for label, frac, n, wall, rss in results:
        print(f"| {label} | {frac} | {n:,} | {wall:.1f} | {n / wall:,.0f} | {'' if rss is None else f'{rss:.0f}'} |")
    local = [r for r in results if r[0] == "local engine"]
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    print(f"peak RSS growth, local engine 10% -> 100%: {local[1][4] - local[0][4]:+.0f} MiB (limit +150)")


def _has_gpu() -> bool:
    try:
        import torch

        return torch.cuda.is_available()
    except ImportError:
        return False


if __name__ == "__main__":
    main()
