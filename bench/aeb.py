"""Article Extraction Benchmark helpers shared by bench/html_pages.py and bench/train_page_lines.py.

Pages and bodies are read at run time from ../shared/html_benchmark (never copied into the
repository). The score is the benchmark's own: 4-token shingle precision/recall per page, means
over pages, F1 of the means (re-implemented from its evaluate.py, which is MIT-licensed).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # bench this checkout's code, not an installed copy
BENCH_DIR = ROOT.parent / "shared" / "html_benchmark"
_TOKEN = re.compile(r"\w+")


def available() -> bool:
    return (BENCH_DIR / "ground-truth.json").exists() and (BENCH_DIR / "html").is_dir()


def is_tuning(page_id: str) -> bool:
    """Tuning half: pages whose SHA-256 of the id starts with an even hex digit (about half)."""
    return int(hashlib.sha256(page_id.encode()).hexdigest()[0], 16) % 2 == 0


def load_pages() -> list[dict]:
    """[{id, url, truth, html}] in id order."""
    truth = json.loads((BENCH_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for pid in sorted(truth):
        raw = gzip.decompress((BENCH_DIR / "html" / f"{pid}.html.gz").read_bytes())
        pages.append({"id": pid, "url": truth[pid]["url"], "truth": truth[pid].get("articleBody", ""),
                      "html": raw.decode("utf-8", "replace")})
    return pages


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _shingles(text: str, n: int = 4) -> Counter:
    t = tokens(text)
    return Counter(tuple(t[i:i + n]) for i in range(max(1, len(t) - n + 1)) if t[i:i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    a, b = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for k in set(a) | set(b):
        x, y = a.get(k, 0), b.get(k, 0)
        tp += min(x, y)
        fp += max(0, y - x)
        fn += max(0, x - y)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def _p(tp, fp, fn):
    return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))


def _r(tp, fp, fn):
    return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))


def scores(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(F1, precision, recall) as the benchmark computes them."""
    p = statistics.mean(_p(*r) for r in rows if r[0] + r[1] > 0)
    r = statistics.mean(_r(*r) for r in rows if r[0] + r[2] > 0)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def paired_bootstrap(rows_a, rows_b, n: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """Mean F1(a) - F1(b) over page-level bootstrap resamples, with a 95% percentile interval."""
    rng = random.Random(seed)
    k = len(rows_a)
    diffs = []
    for _ in range(n):
        idx = [rng.randrange(k) for _ in range(k)]
        diffs.append(scores([rows_a[i] for i in idx])[0] - scores([rows_b[i] for i in idx])[0])
    diffs.sort()
    return statistics.mean(diffs), diffs[int(0.025 * n)], diffs[int(0.975 * n) - 1]


class TruthIndex:
    """Which 4-token shingles (and short token runs) of a page's article body a line shares."""

    def __init__(self, truth: str):
        t = [w.lower() for w in tokens(truth)]
        self.s4 = {tuple(t[i:i + 4]) for i in range(len(t) - 3)}
        self.joined = " " + " ".join(t) + " "

    def coverage(self, line: str, after: str = "") -> float | None:
        """Share of the line's shingles in the body; a line under 4 tokens is read with the first
        tokens of the text ``after`` it, so a lone "News" matches only where the body has it too."""
        t = [w.lower() for w in tokens(line)]
        if not t:
            return None
        if len(t) < 4:
            nxt = [w.lower() for w in tokens(after)][:3]
            if not nxt:
                return 1.0 if " " + " ".join(t) + " " in self.joined else 0.0
            w = t + nxt
            sh = [tuple(w[i:i + 4]) for i in range(min(len(t), len(w) - 3))]
            return sum(x in self.s4 for x in sh) / len(sh) if sh else 0.0
        sh = [tuple(t[i:i + 4]) for i in range(len(t) - 3)]
        return sum(x in self.s4 for x in sh) / len(sh)
