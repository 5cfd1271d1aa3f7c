"""Stage ``external_newssd``: both models on NewsSD-ENG, committed in the repository, so this
external benchmark has a result on every machine (``reports/external_newssd.json``)."""

from __future__ import annotations

from pathlib import Path

from claimsift.classifier import Classifier
from claimsift.external import label_unrelated, load_newssd, subjectivity_metrics
from claimsift.records import load_params, write_json


def evaluate_newssd(data_dir: Path, models: dict[str, Path]) -> dict:
    """``{model: metrics}`` over every NewsSD-ENG sentence."""
    rows = load_newssd(data_dir)
    report: dict = {"note": "NewsSD-ENG (CC BY 4.0): SUBJ/OBJ of the author; argument recall on SUBJ, "
                            "argument share on OBJ (OBJ may relay others' opinions, so no precision)"}
    for name, model_dir in models.items():
        predicted = label_unrelated(Classifier.load(model_dir), [text for text, _ in rows])
        report[name] = subjectivity_metrics([g for _, g in rows], predicted)
    return report


def main() -> None:
    params = load_params("external_newssd")
    report = evaluate_newssd(Path(params["data_dir"]), {k: Path(v) for k, v in params["models"].items()})
    write_json(Path(params["report"]), report)
    for name, m in report.items():
        if isinstance(m, dict):
            print(f"external_newssd: {name}: argument recall on SUBJ {m['argument_recall_on_subj']:.3f}, "
                  f"argument share on OBJ {m['argument_share_on_obj']:.3f} (n={m['n']})")


if __name__ == "__main__":
    main()
