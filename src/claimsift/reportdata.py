"""The figures the HTML report, the model cards and ``reports/headline.json`` show, computed
from the pipeline's outputs (``reports/metrics.json``, test predictions, agreement).

Pure functions over plain dicts; nothing here reads a clock or the environment, so the same
inputs give the same report byte for byte.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from claimsift.evaluation import classification_metrics
from claimsift.labels import LABELS
from claimsift.modelmeta import file_sha256 as sha256_file

SET_ORDER = ("real_test", "seed", "synthetic_test")
SET_TITLES = {"real_test": "real test split", "seed": "seed article", "synthetic_test": "written test split"}
HEADLINE_SETS = ("real_test", "seed")


def headline(metrics: dict, agreement: dict | None) -> dict:
    """Numeric scalars only, for ``dvc metrics``/``dvc exp show``: per model and headline set
    ``macro_f1``, ``ci_low``, ``ci_high``, ``accuracy``, ``ece``; Cohen's kappa overall and on
    real documents (when the agreement report has them)."""
    out: dict = {}
    for model, sets in metrics.items():
        out[model] = {}
        for name in HEADLINE_SETS:
            if name in sets:
                m = sets[name]
                low, high = m["macro_f1_ci95"]
                out[model][name] = {"macro_f1": m["macro_f1"], "ci_low": low, "ci_high": high,
                                    "accuracy": m["accuracy"], "ece": m["ece"]}
    if agreement and "first_vs_second" in agreement:
        out["kappa"] = {"overall": agreement["first_vs_second"]["kappa"]}
        real = (agreement.get("by_origin") or {}).get("real")
        if real:
            out["kappa"]["real"] = real["first_vs_second"]["kappa"]
    return out


def models_in(predictions: Sequence[dict]) -> list[str]:
    """Model names that have a ``<model>_pred`` column, in column order."""
    return [k[: -len("_pred")] for k in (predictions[0] if predictions else {}) if k.endswith("_pred")]


def set_of(record: dict) -> str:
    """The evaluation set of a test prediction record (by its ``origin``)."""
    return {"real": "real_test", "seed": "seed"}.get(record.get("origin") or "written", "synthetic_test")


def group_metrics(predictions: Sequence[dict], key: str) -> list[dict]:
    """Accuracy and macro-F1 per value of ``key`` (``genre`` or ``source``) and model, over the
    whole test split; each row names the set(s) its sentences belong to, n and documents."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in predictions:
        value = r.get(key) or ("written for the project" if set_of(r) == "synthetic_test" else "unknown")
        groups[str(value)].append(r)
    rows = []
    for value in sorted(groups):
        recs = groups[value]
        sets = sorted({set_of(r) for r in recs}, key=SET_ORDER.index)
        for model in models_in(predictions):
            m = classification_metrics([r["label"] for r in recs], [r[f"{model}_pred"] for r in recs])
            rows.append({key: value, "model": model, "sets": ", ".join(SET_TITLES[s] for s in sets), "n": m["n"],
                         "documents": len({r["doc"] for r in recs}), "accuracy": m["accuracy"],
                         "macro_f1": m["macro_f1"], "n_label": f"n={m['n']}"})
    return rows


def confident_errors(predictions: Sequence[dict], model: str, set_name: str, k: int = 10) -> list[dict]:
    """The ``k`` wrong predictions of ``model`` on ``set_name`` with the highest predicted
    probability (ties broken by document and index, so the order is stable)."""
    wrong = []
    for r in predictions:
        pred = r[f"{model}_pred"]
        if set_of(r) == set_name and pred != r["label"]:
            prob = max(r[f"{model}_scores"])
            wrong.append({"doc": r["doc"], "index": r["index"], "text": r["text"], "gold": r["label"],
                          "pred": pred, "prob": prob, "genre": r.get("genre"), "source": r.get("source")})
    return sorted(wrong, key=lambda e: (-e["prob"], e["doc"], e["index"]))[:k]


def label_counts(predictions: Sequence[dict]) -> dict[str, dict[str, int]]:
    """Gold label counts per evaluation set, in ``SET_ORDER``."""
    counts: dict[str, dict[str, int]] = {}
    for r in predictions:
        counts.setdefault(set_of(r), {lab: 0 for lab in LABELS})[r["label"]] += 1
    return {s: counts[s] for s in SET_ORDER if s in counts}


def sha256_tree(paths: Iterable[Path], root: Path | None = None) -> str:
    """One SHA-256 over files (and every file under folders), by relative path and content, in
    sorted order, so it does not depend on the checkout's location or file times."""
    files = []
    for p in paths:
        p = Path(p)
        files.extend(sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p])
    digest = hashlib.sha256()
    base = Path(root) if root else None
    for f in sorted(set(files), key=lambda f: f.as_posix()):
        if "__pycache__" in f.parts:
            continue
        name = f.relative_to(base).as_posix() if base else f.as_posix()
        digest.update(name.encode() + b"\0" + sha256_file(f).encode() + b"\n")
    return digest.hexdigest()
