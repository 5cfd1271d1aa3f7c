"""Stage ``evaluate``: both models on the test split and on the seed document alone.

Writes ``reports/metrics.json``, per-sentence confusion data for DVC plots, PNG renderings and
the test predictions (for error analysis).
"""

from __future__ import annotations

from pathlib import Path

from claimsift.classifier import Classifier
from claimsift.evaluation import classification_metrics, confusion
from claimsift.labels import LABELS
from claimsift.plots import confusion_spec, render_png, write_confusion_csv
from claimsift.records import load_params, write_json, write_jsonl
from claimsift.stages.common import labelled_sentences


def evaluate(data: Path, models: dict[str, Path], seed_docs: list[str], report_dir: Path, predictions: Path) -> dict:
    """Evaluate each model on the ``test`` split and on ``seed_docs``; returns the metrics dict."""
    test = labelled_sentences(data, "test")
    sets = {"test": test, "seed": [r for r in test if r["doc"] in set(seed_docs)]}
    if not sets["seed"]:
        raise SystemExit(f"evaluate: no test sentences from seed document(s) {seed_docs}")
    metrics: dict = {}
    pred_records = [{k: r[k] for k in ("doc", "index", "text", "label", "genre")} for r in test]
    for name, model_dir in models.items():
        classifier = Classifier.load(model_dir, precision="fp32")  # reports stay reproducible across CPUs
        probs = classifier.predict_proba(test)
        predicted = [LABELS[i] for i in probs.argmax(1)]
        for rec, pred, row in zip(pred_records, predicted, probs):
            rec[f"{name}_pred"] = pred
            rec[f"{name}_scores"] = [round(float(p), 4) for p in row]
        by_key = {(r["doc"], r["index"]): p for r, p in zip(test, predicted)}
        metrics[name] = {}
        for set_name, rows in sets.items():
            y_true = [r["label"] for r in rows]
            y_pred = [by_key[(r["doc"], r["index"])] for r in rows]
            metrics[name][set_name] = {**classification_metrics(y_true, y_pred), "confusion": confusion(y_true, y_pred)}
            stem = f"confusion_{name}_{set_name}"
            write_confusion_csv(report_dir / "plots" / f"{stem}.csv", y_true, y_pred)
            render_png(confusion_spec(y_true, y_pred, f"{name} on {set_name} (n={len(rows)})"), report_dir / "plots" / f"{stem}.png")
    write_json(report_dir / "metrics.json", metrics)
    write_jsonl(predictions, pred_records)
    return metrics


def main() -> None:
    params = load_params("evaluate")
    metrics = evaluate(
        Path(params["data"]), {k: Path(v) for k, v in params["models"].items()}, params["seed_docs"],
        Path(params["report_dir"]), Path(params["predictions"]),
    )
    for name, sets in metrics.items():
        print(f"evaluate: {name}: " + ", ".join(f"{s} macro-F1 {m['macro_f1']:.3f} acc {m['accuracy']:.3f}" for s, m in sets.items()))


if __name__ == "__main__":
    main()
