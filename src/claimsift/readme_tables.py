"""The README's metric tables, generated from the committed reports so they cannot drift.

The README holds the output of ``python -m claimsift.report readme-tables`` between
``<!-- metrics:start -->`` and ``<!-- metrics:end -->``; a test compares the two.
"""

from __future__ import annotations

import json
from pathlib import Path

from claimsift.labels import LABELS
from claimsift.reportdata import SET_ORDER

START = "<!-- metrics:start -->"
END = "<!-- metrics:end -->"


def _load(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def metrics_table(metrics: dict) -> list[str]:
    """One row per model and test set: n, documents, accuracy, macro-F1 [95% interval], ECE,
    per-label F1."""
    head = ["model", "set", "sentences", "documents", "accuracy", "macro-F1", "95% interval", "ECE"] + [
        f"F1 {lab}" for lab in LABELS]
    lines = [_row(head), _row(["---"] * len(head))]
    for model, sets in metrics.items():
        for name in SET_ORDER:
            if name in sets:
                m = sets[name]
                low, high = m["macro_f1_ci95"]
                lines.append(_row([model, name, m["n"], m.get("documents", ""), f"{m['accuracy']:.3f}",
                                   f"{m['macro_f1']:.3f}", f"{low:.3f}–{high:.3f}", f"{m['ece']:.3f}"]
                                  + [f"{m['per_class'][lab]['f1']:.3f}" for lab in LABELS]))
    return lines


def external_table(external: dict) -> list[str]:
    """Proxy benchmarks: argument-vs-rest F1 per model, macro-F1 over mapped labels."""
    models = [k for k, v in external.items() if isinstance(v, dict)]
    corpora = list(external[models[0]]) if models else []
    head = ["corpus", "mapping", "n"] + [f"{m} argument-vs-rest F1" for m in models] + [
        f"{m} macro-F1 (mapped labels)" for m in models]
    lines = [_row(head), _row(["---"] * len(head))]
    for c in corpora:
        first = external[models[0]][c]
        f1s = [f"{external[m][c]['argument_vs_rest']['f1']:.3f}" for m in models]
        macros = [f"{external[m][c]['macro_f1_present_labels']:.3f}" if "macro_f1_present_labels" in external[m][c]
                  else "n/a (binary)" for m in models]
        lines.append(_row([c, first["mapping"], first["n"]] + f1s + macros))
    return lines


def newssd_table(newssd: dict) -> list[str]:
    """NewsSD-ENG: argument recall on subjective and argument share on objective sentences."""
    head = ["model", "n", "SUBJ", "OBJ", "argument recall on SUBJ", "argument share on OBJ"]
    lines = [_row(head), _row(["---"] * len(head))]
    for model, m in newssd.items():
        if isinstance(m, dict):
            lines.append(_row([model, m["n"], m["n_subj"], m["n_obj"], f"{m['argument_recall_on_subj']:.3f}",
                               f"{m['argument_share_on_obj']:.3f}"]))
    return lines


def agreement_line(agreement: dict) -> str:
    """Cohen's kappa overall and per origin, in one sentence."""
    a = agreement["first_vs_second"]
    parts = [f"Cohen's kappa {a['kappa']:.3f} on {a['n']} sentences of {len(agreement.get('documents', []))} "
             f"double-annotated documents"]
    for origin, sub in sorted((agreement.get("by_origin") or {}).items()):
        parts.append(f"{origin} {sub['first_vs_second']['kappa']:.3f} (n={sub['first_vs_second']['n']})")
    return "; ".join(parts) + "."


def readme_tables(reports_dir: str | Path = "reports") -> str:
    """Markdown for the README's metrics block (without the markers), from ``reports_dir``."""
    d = Path(reports_dir)
    metrics = _load(d / "metrics.json")
    if metrics is None:
        raise FileNotFoundError(f"{d / 'metrics.json'} not found: run `dvc repro` first")
    out = ["Test sets (`reports/metrics.json`; 95% bootstrap intervals of macro-F1 over documents, over "
           "sentences for the single seed article; ECE after temperature scaling):", ""] + metrics_table(metrics)
    external = _load(d / "external.json")
    if external and "skipped" not in external:
        out += ["", "External proxy benchmarks (`reports/external.json`; labels mapped onto ours):", ""]
        out += external_table(external)
    newssd = _load(d / "external_newssd.json")
    if newssd:
        out += ["", "NewsSD-ENG (`reports/external_newssd.json`; author subjectivity, SUBJ/OBJ):", ""]
        out += newssd_table(newssd)
    agreement = _load(d / "agreement.json")
    if agreement and "first_vs_second" in agreement:
        out += ["", "Annotator agreement (`reports/agreement.json`): " + agreement_line(agreement)]
    return "\n".join(out) + "\n"


def readme_block(readme_text: str) -> str:
    """The text between the metrics markers of a README (``ValueError`` if they are missing)."""
    try:
        start = readme_text.index(START) + len(START)
        end = readme_text.index(END, start)
    except ValueError:
        raise ValueError(f"README has no {START} ... {END} block") from None
    return readme_text[start:end].strip("\n") + "\n"


def replace_block(readme_text: str, tables: str) -> str:
    """``readme_text`` with its metrics block replaced by ``tables``."""
    readme_block(readme_text)  # raises when the markers are missing
    start = readme_text.index(START) + len(START)
    end = readme_text.index(END, start)
    return readme_text[:start] + "\n" + tables + readme_text[end:]
