"""Stage ``train_tfidf``: pick C on dev macro-F1, fit on train, save with skops + metadata."""

from __future__ import annotations

from pathlib import Path

from claimsift import tfidf
from claimsift.calibration import fit_temperature
from claimsift.evaluation import classification_metrics
from claimsift.features import model_input
from claimsift.labels import LABEL2ID, LABELS
from claimsift.modelmeta import write_metadata
from claimsift.records import load_params
from claimsift.stages.common import training_sets


def train_tfidf(data: Path, out_dir: Path, params: dict) -> dict:
    """Train and save the baseline (C and temperature chosen on real dev); returns the metadata."""
    train, dev = training_sets(data, params)
    use_ctx = bool(params["use_quote_context"])
    x_train = [model_input(r, use_ctx) for r in train]
    x_dev = [model_input(r, use_ctx) for r in dev]
    y_train = [r["label"] for r in train]
    y_dev = [r["label"] for r in dev]

    def fit(C: float):
        pipe = tfidf.build_pipeline(params["word_ngrams"], params["char_ngrams"], C, params["max_iter"], params["seed"])
        return tfidf.fit_pipeline(pipe, x_train, y_train)

    search = []
    for C in params["C_grid"]:
        pipe = fit(C)
        pred = [LABELS[i] for i in pipe.predict(x_dev)]
        search.append({"C": C, "dev_macro_f1": classification_metrics(y_dev, pred)["macro_f1"], "pipe": pipe})
    best = max(search, key=lambda s: s["dev_macro_f1"])  # first of equals: grid order decides ties
    tfidf.save(best["pipe"], out_dir)
    temperature = fit_temperature(tfidf.predict_proba(best["pipe"], x_dev), [LABEL2ID[y] for y in y_dev])
    return write_metadata(
        out_dir, "tfidf", dict(params), data,
        extra={"selected": {"C": best["C"]}, "search": [{k: v for k, v in s.items() if k != "pipe"} for s in search],
               "n_train": len(train), "n_dev": len(dev),
               "calibration": {"temperature": temperature, "fitted_on": "dev (real documents)", "n": len(dev)}},
    )


def main() -> None:
    params = load_params("train_tfidf")
    meta = train_tfidf(Path(params["data"]), Path(params["out"]), params)
    print(f"train_tfidf: C={meta['selected']['C']} search={meta['search']}")


if __name__ == "__main__":
    main()
