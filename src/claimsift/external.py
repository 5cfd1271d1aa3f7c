"""External proxy benchmarks: public labelled corpora mapped onto claimsift's labels.

None of these corpora uses claimsift's three labels; each mapping is a proxy (see
``../shared/corpora/README.md``), so results are reported as "external proxy benchmarks",
never as the headline. The files are read at run time from a directory given in
``params.yaml``; nothing from them is copied into the repository.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sklearn.metrics import precision_recall_fscore_support

from claimsift.labels import LABELS

if TYPE_CHECKING:
    from claimsift.classifier import Classifier

# Each corpus: (loader, mapping note). A loader yields (text, gold) with gold a claimsift label,
# or "not_argument" where the corpus only separates argument from the rest.
WEBIS_MAP = {"testimony": "testimony", "statistics": "finding", "anecdote": "finding",
             "assumption": "argument", "common-ground": "argument"}
BABE_MAP = {"Entirely factual": "finding", "Expresses writer's opinion": "argument"}


def load_checkthat(root: Path) -> list[tuple[str, str]]:
    """CLEF CheckThat! 2025 subjectivity (all splits): SUBJ → argument, OBJ → not_argument."""
    rows = []
    for name in ("train_en.tsv", "dev_en.tsv", "dev_test_en.tsv"):
        with open(root / "checkthat2025_subjectivity_en" / name, encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                rows.append((rec["sentence"], "argument" if rec["label"] == "SUBJ" else "not_argument"))
    return rows


def load_webis(root: Path) -> list[tuple[str, str]]:
    """Webis editorials: main ADU label mapped by ``WEBIS_MAP``; title/no-unit/other dropped."""
    rows = []
    with open(root / "webis_editorials_adu" / "sentences.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["main_label"] in WEBIS_MAP:
                rows.append((rec["text"], WEBIS_MAP[rec["main_label"]]))
    return rows


def load_babe(root: Path) -> list[tuple[str, str]]:
    """BABE: entirely factual → finding, writer's opinion → argument; the rest dropped."""
    rows = []
    with open(root / "babe" / "final_labels_SG2.csv", encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh, delimiter=";"):
            label = rec["label_opinion"].replace("\u2019", "'")  # the file spells writer’s with a curly apostrophe
            if label in BABE_MAP:
                rows.append((rec["text"], BABE_MAP[label]))
    return rows


CORPORA: dict[str, tuple[Callable[[Path], list[tuple[str, str]]], str]] = {
    "checkthat2025_subjectivity_en": (load_checkthat, "SUBJ→argument, OBJ→not argument; binary only"),
    "webis_editorials_adu": (load_webis, "testimony→testimony; statistics, anecdote→finding; assumption, common-ground→argument"),
    "babe": (load_babe, "Entirely factual→finding; Expresses writer's opinion→argument"),
}


def label_unrelated(classifier: Classifier, texts: list[str]) -> list[str]:
    """Predicted label of each of ``texts``, sentences unrelated to each other: each is scored as
    its own document, so a context model sees no neighbours."""
    probs = classifier.predict_proba([{"text": text, "doc": str(i)} for i, text in enumerate(texts)])
    return [LABELS[i] for i in probs.argmax(1)]


def sample(rows: list, max_rows: int | None, seed: int) -> list:
    """A seeded sample of at most ``max_rows`` rows (all rows when ``max_rows`` is falsy)."""
    if not max_rows or len(rows) <= max_rows:
        return rows
    return random.Random(seed).sample(rows, max_rows)


def proxy_metrics(gold: list[str], predicted: list[str]) -> dict:
    """Argument-vs-rest precision/recall/F1 for every corpus, plus per-label F1 where gold has it."""
    y_true = [g == "argument" for g in gold]
    y_pred = [p == "argument" for p in predicted]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", zero_division=0)
    out = {
        "n": len(gold),
        "argument_vs_rest": {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4)},
    }
    present = sorted({g for g in gold if g != "not_argument"})
    if len(present) > 1:
        _, _, f1, support = precision_recall_fscore_support(gold, predicted, labels=present, zero_division=0)
        out["per_label_f1"] = {lab: round(float(v), 4) for lab, v in zip(present, f1)}
        out["macro_f1_present_labels"] = round(float(sum(f1) / len(f1)), 4)
        out["accuracy"] = round(sum(g == q for g, q in zip(gold, predicted)) / len(gold), 4)
    return out


def load_newssd(root: Path) -> list[tuple[str, str]]:
    """NewsSD-ENG (all splits, committed under ``data/external/newssd_eng``): (sentence, SUBJ|OBJ)."""
    rows = []
    for name in ("train.csv", "val.csv", "test.csv"):
        with open(root / name, encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh):
                rows.append((rec["Sentence"].strip(), rec["Label"].strip()))
    return rows


def subjectivity_metrics(gold: list[str], predicted: list[str]) -> dict:
    """For SUBJ/OBJ gold: ``argument`` recall on SUBJ and the share of OBJ called ``argument``.

    OBJ sentences may relay others' opinions (which the guide labels ``argument``), so a
    precision would be meaningless; the OBJ share is an upper bound on false arguments.
    """
    subj = [p for g, p in zip(gold, predicted) if g == "SUBJ"]
    obj = [p for g, p in zip(gold, predicted) if g == "OBJ"]
    return {
        "n": len(gold), "n_subj": len(subj), "n_obj": len(obj),
        "argument_recall_on_subj": round(sum(p == "argument" for p in subj) / max(len(subj), 1), 4),
        "argument_share_on_obj": round(sum(p == "argument" for p in obj) / max(len(obj), 1), 4),
        "predicted_share": {lab: round(sum(p == lab for p in predicted) / max(len(predicted), 1), 4)
                            for lab in ("finding", "testimony", "argument")},
    }
