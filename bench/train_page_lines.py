"""Train the page-line models (src/claimsift/page_lines_{text,html}.json) on the tuning half.

Reads the Article Extraction Benchmark pages from ../shared/html_benchmark at run time (skipped
with a message when absent), keeps only the tuning half (bench/aeb.py: id hash), labels each unit
of a page as article text when at least half of its 4-token shingles occur in the person-marked
body, fits a seeded logistic regression over claimsift.pagetext.unit_features and picks the
decision threshold that maximises the benchmark's body F1 on the same half. The reporting half is
never read here. Output: plain JSON weights (no pickle).

    .venv/bin/python bench/train_page_lines.py [--kind text|html|both]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from itertools import product
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import aeb  # noqa: E402

from claimsift.pagetext import PageModel, page_reason, stage2_features, unit_features  # noqa: E402
from claimsift.segment import page_units  # noqa: E402

OUT_DIR = aeb.ROOT / "src" / "claimsift"
SEED = 13
# the issue asks for body recall of at least 0.97 (out-of-fold on the tuning half here); the shipped models were trained with it
MIN_RECALL = float(__import__("os").environ.get("MIN_RECALL", "0.97"))


def page_inputs(page: dict, kind: str):
    """(unit texts, rule reasons, features) of one page as the given input kind presents it."""
    if kind == "text":
        import html_text

        texts, reasons, hints = page_units(html_text.extract_text(page["html"]))
    else:
        from claimsift.webpage import extract_page

        pt = extract_page(page["html"])
        if pt is None:
            return [], [], []
        texts, reasons, hints = page_units(pt.text, pt.hints)
    return texts, reasons, unit_features(texts, reasons, hints)


def _prepare(args):
    page, kind = args
    texts, reasons, feats = page_inputs(page, kind)
    idx = aeb.TruthIndex(page["truth"])
    labels = [idx.coverage(t, " ".join(texts[i + 1:i + 3])) for i, t in enumerate(texts)]
    return {"id": page["id"], "truth": page["truth"], "texts": texts, "reasons": reasons, "feats": feats, "cov": labels}


def article_text(texts, reasons, feats, probs, model: PageModel) -> str:
    keep = []
    for s, r, f, p in zip(texts, reasons, feats, probs):
        if page_reason(s, r, p, model, pull=f.get("pull", 0.0) > 0, in_core=f.get("in_core", 0.0) > 0) in (None, "subheading"):
            keep.append(s)
    return "\n".join(keep)


def _fit(rows, C):
    """Seeded logistic regression over feature dicts; (weights, bias).

    Each feature is divided by its largest absolute value while fitting (so one C suits them all
    and the solver converges fast); the weights returned apply to the raw features."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, y, w = zip(*rows)
    vec = DictVectorizer(sparse=False)
    Xa = vec.fit_transform(X)
    scale = np.abs(Xa).max(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=C, max_iter=3000, random_state=SEED)
    lr.fit(Xa / scale, y, sample_weight=w)
    return {k: float(v) for k, v in zip(vec.get_feature_names_out(), lr.coef_[0] / scale)}, float(lr.intercept_[0])


def _rows(prepared, feats_of):
    """(features, label, weight) of every labelled unit; weights: token share of its page, so each page counts alike."""
    rows = []
    for k, p in enumerate(prepared):
        total = sum(len(aeb.tokens(s)) for s in p["texts"]) or 1
        for f, c, s in zip(feats_of(k, p), p["cov"], p["texts"]):
            if c is not None:
                rows.append((f, int(c >= 0.5), 100.0 * max(1, len(aeb.tokens(s))) / total))
    return rows


def train(kind: str, prepared: list[dict], c_grid=(0.1, 0.3, 1.0), folds: int = 5) -> dict:
    best = None
    for C in c_grid:
        w1, b1 = _fit(_rows(prepared, lambda k, p: p["feats"]), C)
        # stage 2 learns from out-of-fold stage-1 scores, as it will see them on unseen pages
        oof: dict[int, list[float]] = {}
        for fold in range(folds):
            train_part = [p for k, p in enumerate(prepared) if k % folds != fold]
            wf, bf = _fit(_rows(train_part, lambda k, p: p["feats"]), C)
            m = PageModel(kind, wf, bf, 0.5, 2.0)
            for k, p in enumerate(prepared):
                if k % folds == fold:
                    oof[k] = [m.prob(f) for f in p["feats"]]
        f2_all = {k: stage2_features(p["feats"], oof[k], p["texts"]) for k, p in enumerate(prepared)}
        w2, b2 = _fit(_rows(prepared, lambda k, p: f2_all[k]), C)
        # threshold and C are chosen on fully out-of-fold scores: stage 2 cross-fitted too
        probs = [None] * len(prepared)
        for fold in range(folds):
            train_part = [(k, p) for k, p in enumerate(prepared) if k % folds != fold]
            wf, bf = _fit(_rows([p for _k, p in train_part], lambda j, p, ks=[k for k, _p in train_part]: f2_all[ks[j]]), C)
            for k, p in enumerate(prepared):
                if k % folds == fold:
                    probs[k] = [1.0 / (1.0 + math.exp(-max(-30, min(30, bf + sum(wf.get(a, 0.0) * v for a, v in f.items())))))
                                for f in f2_all[k]]
        for thr, core, override, sub in product((0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5), (None, 0.01, 0.02, 0.03, 0.05, 0.1),
                                                (0.9, 2.0), (0.0, 0.3, 0.5)):
            if core is not None and core >= thr:
                continue
            model = PageModel(kind, w1, b1, thr, override, w2, b2, sub, core)
            rows = [aeb.tp_fp_fn(p["truth"], article_text(p["texts"], p["reasons"], p["feats"], pr, model))
                    for p, pr in zip(prepared, probs)]
            f1, prec, rec = aeb.scores(rows)
            if rec >= MIN_RECALL and (best is None or f1 > best[0]):
                best = (f1, prec, rec, C, model)
    if best is None:
        raise SystemExit(f"{kind}: no setting reaches body recall {MIN_RECALL} on the tuning half")
    f1, prec, rec, C, model = best
    print(f"{kind}: tuning half (out-of-fold) F1 {f1:.4f} P {prec:.4f} R {rec:.4f} (C={C}, threshold={model.threshold}, "
          f"subheading threshold={model.sub_threshold}, core threshold={model.core_threshold}, "
          f"override={model.override}, {sum(len(p['texts']) for p in prepared)} units)")
    rnd = lambda d: {k: round(v, 6) for k, v in sorted(d.items()) if abs(v) > 1e-9}  # noqa: E731
    return {"kind": kind, "trained_on": "Article Extraction Benchmark, tuning half (bench/aeb.py is_tuning)",
            "seed": SEED, "C": C, "threshold": model.threshold, "override": model.override, "sub_threshold": model.sub_threshold,
            "core_threshold": model.core_threshold, "bias": model.bias,
            "weights": rnd(model.weights), "bias2": model.bias2, "weights2": rnd(model.weights2)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kind", choices=["text", "html", "both"], default="both")
    args = ap.parse_args(argv)
    if not aeb.available():
        print(f"skipped: {aeb.BENCH_DIR} not found (the Article Extraction Benchmark pages)")
        return 0
    pages = [p for p in aeb.load_pages() if aeb.is_tuning(p["id"])]
    for kind in (("text", "html") if args.kind == "both" else (args.kind,)):
        t0 = time.time()
        with Pool(1) as pool:  # one extra process: the machine is shared
            half = len(pages) // 2
            async_part = pool.map_async(_prepare, [(p, kind) for p in pages[:half]])
            rest = [_prepare((p, kind)) for p in pages[half:]]
            prepared = async_part.get() + rest
        model = train(kind, prepared)
        path = OUT_DIR / f"page_lines_{kind}.json"
        path.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(aeb.ROOT)} ({len(pages)} tuning pages, {time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
