"""Stage ``external``: both models on public corpora mapped to claimsift's labels (proxy only).

Reads the corpora from ``external.corpora_dir`` (default ``../shared/corpora``) at run time;
where the folder is absent, it says so and leaves the committed report as it is (the output is
``persist``-ed in ``dvc.yaml``, so DVC does not delete it first).
"""

from __future__ import annotations

from pathlib import Path

from claimsift.classifier import Classifier
from claimsift.external import CORPORA, label_unrelated, proxy_metrics, sample
from claimsift.records import load_params, write_json


def evaluate_external(corpora_dir: Path, models: dict[str, Path], max_rows: int | None, seed: int) -> dict:
    """Metrics per model and corpus; ``{"skipped": reason}`` when the corpora are absent."""
    if not corpora_dir.is_dir():
        return {"skipped": f"{corpora_dir} not found: external proxy benchmarks not run"}
    data = {}
    for name, (loader, mapping) in CORPORA.items():
        try:
            data[name] = (sample(loader(corpora_dir), max_rows, seed), mapping)
        except FileNotFoundError as exc:
            print(f"external: skipping {name}: {exc.filename} not found")
    report: dict = {"note": "external proxy benchmarks: label mappings are approximations, not the headline"}
    for model_name, model_dir in models.items():
        classifier = Classifier.load(model_dir, precision="fp32")  # reproducible across CPUs
        report[model_name] = {}
        for name, (rows, mapping) in data.items():
            predicted = label_unrelated(classifier, [text for text, _ in rows])
            report[model_name][name] = {"mapping": mapping, **proxy_metrics([g for _, g in rows], predicted)}
    return report


def main() -> None:
    params = load_params("external")
    report = evaluate_external(
        Path(params["corpora_dir"]), {k: Path(v) for k, v in params["models"].items()},
        params.get("max_rows_per_corpus"), int(params["seed"]),
    )
    if "skipped" in report:
        print(f"external: {report['skipped']}; {params['report']} left as it was")
        return
    write_json(Path(params["report"]), report)
    for model, corpora in report.items():
        if isinstance(corpora, dict):
            for name, m in corpora.items():
                print(f"external: {model} {name}: argument-vs-rest F1 {m['argument_vs_rest']['f1']:.3f} (n={m['n']})")


if __name__ == "__main__":
    main()
