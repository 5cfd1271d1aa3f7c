"""Stage ``evaluate``: both models on the real test split, the seed article and the written
test split.

Writes ``reports/metrics.json`` (per model and set: accuracy, macro-F1 with a bootstrap 95%
interval, per-label precision/recall/F1, ECE before and after calibration), confusion and
reliability data for DVC plots, PNG renderings and the test predictions (for error analysis).
"""

from __future__ import annotations

from pathlib import Path

from claimsift.calibration import apply_temperature, expected_calibration_error, reliability_bins
from claimsift.classifier import Classifier
from claimsift.evaluation import bootstrap_macro_f1_ci, classification_metrics, confusion
from claimsift.labels import LABEL2ID, LABELS
from claimsift.plots import (confusion_spec, reliability_spec, render_png, write_confusion_csv,
                             write_reliability_csv)
from claimsift.records import load_params, read_jsonl, write_json, write_jsonl

# Set name -> which test records it holds (``origin`` comes from the label stage).
SETS = {"real_test": "real", "seed": "seed", "synthetic_test": "written"}


def evaluate(data: Path, models: dict[str, Path], report_dir: Path, predictions: Path,
             n_boot: int = 1000, seed: int = 0) -> dict:
    """Evaluate each model on every non-empty set in ``SETS``; returns the metrics dict."""
    body = [r for r in read_jsonl(data) if r["body"] and r["split"] == "test"]  # document order
    test = [r for r in body if r["label"] is not None]
    sets = {name: [r for r in test if r.get("origin", "written") == origin] for name, origin in SETS.items()}
    sets = {name: rows for name, rows in sets.items() if rows}
    metrics: dict = {}
    pred_records = [{k: r.get(k) for k in ("doc", "index", "text", "label", "genre", "source", "origin")} for r in test]
    for name, model_dir in models.items():
        classifier = Classifier.load(model_dir, precision="fp32")  # reports stay reproducible across CPUs
        raw = classifier.predict_proba(body, calibrated=False)  # unlabelled ones give context only
        cal = apply_temperature(raw, classifier.temperature)
        keep = [i for i, r in enumerate(body) if r["label"] is not None]
        raw, cal = raw[keep], cal[keep]
        by_key = {}
        for rec, r, row_cal in zip(pred_records, test, cal):
            rec[f"{name}_pred"] = LABELS[int(row_cal.argmax())]
            rec[f"{name}_scores"] = [round(float(p), 4) for p in row_cal]
            by_key[(r["doc"], r["index"])] = len(by_key)
        metrics[name] = {}
        for set_name, rows in sets.items():
            idx = [by_key[(r["doc"], r["index"])] for r in rows]
            y_true = [r["label"] for r in rows]
            y_pred = [LABELS[int(cal[i].argmax())] for i in idx]
            ids = [LABEL2ID[y] for y in y_true]
            ci, unit = bootstrap_macro_f1_ci(y_true, y_pred, [r["doc"] for r in rows], n_boot, seed)
            metrics[name][set_name] = {
                **classification_metrics(y_true, y_pred),
                "documents": len({r["doc"] for r in rows}),
                "macro_f1_ci95": ci, "ci_resampled": unit,
                "ece": expected_calibration_error(cal[idx], ids),
                "ece_uncalibrated": expected_calibration_error(raw[idx], ids),
                "confusion": confusion(y_true, y_pred),
            }
            stem = f"confusion_{name}_{set_name}"
            write_confusion_csv(report_dir / "plots" / f"{stem}.csv", y_true, y_pred)
            render_png(confusion_spec(y_true, y_pred, f"{name}: confusion on {set_name} (n={len(rows)})"),
                       report_dir / "plots" / f"{stem}.png")
            if set_name == "real_test":
                bins = {"calibrated": reliability_bins(cal[idx], ids), "uncalibrated": reliability_bins(raw[idx], ids)}
                metrics[name][set_name]["reliability"] = bins
                write_reliability_csv(report_dir / "plots" / f"reliability_{name}_real_test.csv", bins)
                render_png(reliability_spec(bins, f"{name}: reliability on real_test (n={len(rows)}, 15 bins)"),
                           report_dir / "plots" / f"reliability_{name}_real_test.png")
    write_json(report_dir / "metrics.json", metrics)
    write_jsonl(predictions, pred_records)
    return metrics


def main() -> None:
    params = load_params("evaluate")
    metrics = evaluate(
        Path(params["data"]), {k: Path(v) for k, v in params["models"].items()},
        Path(params["report_dir"]), Path(params["predictions"]),
        n_boot=int(params.get("bootstrap_samples", 1000)), seed=int(params.get("seed", 0)),
    )
    for name, sets in metrics.items():
        print(f"evaluate: {name}: " + ", ".join(
            f"{s} macro-F1 {m['macro_f1']:.3f} {m['macro_f1_ci95']} ece {m['ece']:.3f}" for s, m in sets.items()))


if __name__ == "__main__":
    main()
