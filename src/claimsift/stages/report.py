"""Stage ``report``: the evaluator's ``reports/report.html``, ``reports/headline.json`` (the only
DVC metrics file: numeric scalars to compare across experiments) and one Hugging Face model card
per model in ``docs/model-cards/``.

Reads only what other stages wrote (metrics, predictions, agreement, external benchmarks, model
metadata) plus the datasheet and license notes; writes nothing another stage owns.
"""

from __future__ import annotations

import json
from pathlib import Path

from claimsift.modelcard import build_card, training_sources
from claimsift.modelmeta import package_versions, read_metadata
from claimsift.records import load_params, read_jsonl, write_json
from claimsift.report import ReportInputs, render
from claimsift.reportdata import headline, sha256_file, sha256_tree


def _json(path: str | None) -> dict | None:
    p = Path(path) if path else None
    return json.loads(p.read_text(encoding="utf-8")) if p and p.is_file() else None


def run_metadata(params: dict, models: dict[str, Path]) -> dict:
    """SHA-256 of the code, params, data, predictions and each model; package versions. Hashes
    cover relative paths and content only, so a clone elsewhere gives the same values."""
    sha = {"code (src/claimsift)": sha256_tree([Path("src/claimsift")], Path("src")),
           "params.yaml": sha256_file(Path("params.yaml")),
           "data (labelled sentences)": sha256_file(Path(params["sentences"])),
           "test predictions": sha256_file(Path(params["predictions"]))}
    for name, d in models.items():
        sha[f"model {name}"] = sha256_tree([d], d)
    versions = package_versions()
    from importlib import metadata

    for pkg in ("vl-convert-python", "dvc", "huggingface_hub"):
        versions[pkg] = metadata.version(pkg)
    return {"sha256": sha, "versions": versions}


def build(params: dict) -> dict:
    """Write the report, the headline metrics and the model cards; returns the headline."""
    metrics = _json(params["metrics"])
    if metrics is None:
        raise FileNotFoundError(f"{params['metrics']} not found: run the evaluate stage first")
    predictions = list(read_jsonl(Path(params["predictions"])))
    sentences = list(read_jsonl(Path(params["sentences"])))
    models = {k: Path(v) for k, v in params["models"].items()}
    meta = {k: read_metadata(d) for k, d in models.items()}
    seed_docs = sorted({r["doc"] for r in predictions if r.get("origin") == "seed"})
    seed_doc = seed_docs[0] if seed_docs else None
    agreement = _json(params.get("agreement"))
    head = headline(metrics, agreement)
    card_dir = Path(params["model_cards"])
    inputs = ReportInputs(
        metrics=metrics, predictions=predictions,
        seed_text=(Path(params["raw_dir"]) / f"{seed_doc}.txt").read_text(encoding="utf-8") if seed_doc else "",
        seed_segments=[r for r in sentences if r["doc"] == seed_doc],
        agreement=agreement, external=_json(params.get("external")), external_newssd=_json(params.get("external_newssd")),
        model_meta=meta, run=run_metadata(params, models),
        links={"datasheet": "../docs/datasheet.md", "data licenses": "../DATA_LICENSE.md",
               **{f"model card: {k}": f"../{card_dir.as_posix()}/{k}.md" for k in models}},
        reader_model=params.get("reader_model", "transformer"), errors_per_set=int(params.get("errors_per_set", 10)),
    )
    html_path = Path(params["html"])
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render(inputs), encoding="utf-8")
    write_json(Path(params["headline"]), head)

    datasheet = Path(params["datasheet"]).read_text(encoding="utf-8") if Path(params["datasheet"]).is_file() else ""
    sources = training_sources(sentences, read_jsonl(Path(params["documents"])))
    card_dir.mkdir(parents=True, exist_ok=True)
    for name in models:
        card = build_card(name, meta[name], metrics.get(name, {}), datasheet, sources)
        (card_dir / f"{name}.md").write_text(str(card).rstrip("\n") + "\n", encoding="utf-8")
    return head


def main() -> None:
    params = load_params("report")
    head = build(params)
    for model, sets in head.items():
        if model != "kappa":
            print(f"report: {model}: " + ", ".join(f"{s} macro-F1 {m['macro_f1']:.3f} [{m['ci_low']:.3f}, {m['ci_high']:.3f}]"
                                                    for s, m in sets.items()))
    print(f"report: wrote {params['html']}, {params['headline']} and {params['model_cards']}/")


if __name__ == "__main__":
    main()
