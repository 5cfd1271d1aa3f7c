"""Model cards in the Hugging Face format, generated with ``huggingface_hub.ModelCard`` from a
model's ``claimsift.json``, the evaluation metrics, the datasheet and the data licenses.

The card's YAML front matter carries ``model-index`` results (real test and seed macro-F1 and
accuracy), the license, base model and datasets; the body follows the Hugging Face default
model-card template, every section filled from the project's own files.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Mapping

from claimsift.features import reads_neighbours
from claimsift.labels import DEFINITIONS, LABELS
from claimsift.reportdata import SET_TITLES

# Weights learnt from CC BY-SA 4.0 text (OneStopEnglish): share-alike is the conservative choice.
MODEL_LICENSE = "cc-by-sa-4.0"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
LIBRARY = {"transformer": "transformers", "tfidf": "sklearn"}
SUMMARY = {
    "transformer": "MiniLM (all-MiniLM-L6-v2) fine-tuned to label news and human-rights-report sentences as "
                   "finding, testimony or argument.",
    "tfidf": "Word and character n-gram TF-IDF with logistic regression (scikit-learn, saved with skops) that labels "
             "news and human-rights-report sentences as finding, testimony or argument.",
}


def datasheet_section(datasheet: str, heading: str) -> str:
    """The body of one ``## heading`` section of the datasheet (empty if absent)."""
    m = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", datasheet, flags=re.M | re.S)
    return m.group(1).strip() if m else ""


def training_sources(sentences: Iterable[Mapping], documents: Iterable[Mapping]) -> list[dict]:
    """Training documents and sentences per (source, license), from the labelled sentences
    (``split == "train"``) and the document metadata."""
    meta = {d["id"]: d for d in documents}
    docs: dict[tuple, set] = {}
    sents: Counter = Counter()
    for r in sentences:
        if r.get("split") == "train" and r.get("body") and r.get("label") is not None:
            d = meta.get(r["doc"], {})
            written = d.get("written_for_project", True)
            key = ("written for this project", "MIT") if written else (d.get("source") or "unknown", d.get("license") or "unknown")
            docs.setdefault(key, set()).add(r["doc"])
            sents[key] += 1
    return [{"source": s, "license": lic, "documents": len(docs[(s, lic)]), "sentences": sents[(s, lic)]}
            for s, lic in sorted(docs)]


def _md_table(head: list[str], rows: list[list]) -> str:
    return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
                     + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def eval_results(model: str, metrics: Mapping) -> list:
    """``model-index`` entries: macro-F1 and accuracy on the real test split and the seed."""
    from huggingface_hub import EvalResult

    out = []
    for name in ("real_test", "seed"):
        if name in metrics:
            m = metrics[name]
            for metric_type, value, label in (("f1", m["macro_f1"], "macro-F1"), ("accuracy", m["accuracy"], "accuracy")):
                out.append(EvalResult(task_type="text-classification", task_name="sentence classification",
                                      dataset_type=f"claimsift-{name.replace('_', '-')}",
                                      dataset_name=f"claimsift {SET_TITLES[name]}", dataset_split="test",
                                      metric_type=metric_type, metric_name=label, metric_value=value,
                                      metric_config="macro" if metric_type == "f1" else None))
    return out


def build_card(model: str, meta: Mapping, metrics: Mapping, datasheet: str, sources: list[dict],
               headline_note: str = ""):
    """A ``huggingface_hub.ModelCard`` for one trained model.

    Args:
        model: model name (``tfidf`` or ``transformer``); meta: its ``claimsift.json``;
        metrics: its entry of ``reports/metrics.json`` (set -> figures); datasheet: the text of
        ``docs/datasheet.md``; sources: :func:`training_sources`.
    """
    from huggingface_hub import ModelCard, ModelCardData

    kind = meta.get("kind", model)
    params = meta.get("params", {})
    quote_ctx = bool(params.get("use_quote_context", False))
    data = ModelCardData(
        model_name=f"claimsift-{model}", language="en", license=MODEL_LICENSE, library_name=LIBRARY.get(kind),
        base_model=BASE_MODEL if kind == "transformer" else None, pipeline_tag="text-classification",
        datasets=["claimsift corpus (GUM/Wikinews, OneStopEnglish/Guardian, written for the project)"],
        tags=["claimsift", "news", "human-rights", "sentence-classification"],
        metrics=["f1", "accuracy"], eval_results=eval_results(model, metrics),
    )
    rows = []
    for name in ("real_test", "seed", "synthetic_test"):
        if name in metrics:
            m = metrics[name]
            low, high = m["macro_f1_ci95"]
            rows.append([SET_TITLES[name], m["n"], m.get("documents", ""), f"{m['macro_f1']:.3f}", f"{low:.3f}–{high:.3f}",
                         f"{m['accuracy']:.3f}", f"{m['ece']:.3f}", f"{m['ece_uncalibrated']:.3f}"])
    results = _md_table(["set", "sentences", "documents", "macro-F1", "95% interval", "accuracy", "ECE", "ECE uncalibrated"], rows)
    per_label = _md_table(["label", "precision", "recall", "F1", "support"],
                          [[lab, f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}", c["support"]]
                           for lab, c in metrics.get("real_test", {}).get("per_class", {}).items()])
    cal = meta.get("calibration") or {}
    licenses = _md_table(["source", "license", "training documents", "training sentences"],
                         [[s["source"], s["license"], s["documents"], s["sentences"]] for s in sources])
    has_sa = any("BY-SA" in s["license"] for s in sources)
    input_fmt = ("One sentence per input, as segmented by `claimsift.segment`. "
                 + ("The model expects the quotation context as a prefix, exactly as `claimsift.features.model_input` "
                    "writes it: `[in quote; cue: said] They kept hitting me.` (`in quote` when the sentence lies "
                    "inside quotation marks, `cue: <verb>` for a reporting verb such as said/told/recalled; no prefix "
                    "when neither applies; speaker names are left out on purpose)." if quote_ctx else
                    "The bare sentence text, without any prefix.")
                 + (" As a second text (a text pair), the model reads the previous and next body sentence of the "
                    "same document, `<previous> [SEP] <next>` (`claimsift.features.neighbour_context`; empty where "
                    "there is none)." if reads_neighbours(params) else ""))
    training = meta.get("training") or {}
    mean_pooled = kind == "transformer" and params.get("pooling") == "mean"
    architecture = (" The weights are a `claimsift.meanpool.BertMeanPoolForSequenceClassification` (a linear layer "
                    "over the mean of MiniLM's token vectors): load them with claimsift. The Auto classes of "
                    "`transformers` go by `model_type` (`bert`) and would build a first-token classifier from them "
                    "with an untrained pooler, without an error." if mean_pooled else "")
    card = ModelCard.from_template(
        data,
        model_id=f"claimsift-{model}",
        model_summary=SUMMARY.get(kind, ""),
        model_description=("Labels each body sentence of an article as one of:\n\n"
                           + "\n".join(f"- `{lab}`: {DEFINITIONS[lab]}" for lab in LABELS)
                           + f"\n\nInput format: {input_fmt}"),
        developers="claimsift contributors", shared_by="claimsift contributors",
        model_type=f"{kind} sentence classifier, 3 labels" + (", mean of the token vectors" if mean_pooled else ""),
        language="English (en)",
        license=f"{MODEL_LICENSE} (weights: trained on CC BY-SA 4.0 text); the claimsift code is MIT",
        base_model=BASE_MODEL if kind == "transformer" else "none (trained from scratch on the corpus)",
        repo="the claimsift repository (`dvc repro` rebuilds this model)",
        direct_use=("Label sentences of English news articles and NGO / human-rights reports, to help readers and "
                    "media-literacy tools tell reported findings, first-hand testimony and argument apart. Use the "
                    "calibrated probabilities as a guide, not a verdict."),
        downstream_use="Highlighting in reader tools; triage of sentences for fact-checking (a finding is checkable).",
        out_of_scope_use=("Deciding whether a claim is true (the label says what kind of statement a sentence is, not "
                          "whether it holds); judging people or outlets; non-English text; genres far from news and "
                          "reports (fiction, social media, legal filings); any automated decision about a person."),
        bias_risks_limitations=datasheet_section(datasheet, "Known biases and gaps"),
        bias_recommendations=("Read the real-test and seed figures, not the written test split; expect lower scores on "
                              "outlets, genres and topics the corpus lacks; check per-genre figures in "
                              "`reports/report.html` before relying on one genre."),
        get_started_code=("```python\nfrom claimsift import Classifier\n\n"
                          f"clf = Classifier.load(\"models/{model}\")   # or the exported folder\n"
                          "for seg in clf.classify(open(\"article.txt\").read()):\n"
                          "    print(seg.label, seg.scores, seg.text)   # non-body segments: label None\n```\n\n"
                          f"Command line: `claimsift classify article.txt --model models/{model}`. The classifier "
                          "segments the text, sets aside non-body text and adds the quotation-context prefix itself."
                          + architecture),
        training_data=(f"{meta.get('n_train', '?')} training sentences (real ones repeated "
                       f"{params.get('real_weight', 1)}×), {meta.get('n_dev', '?')} real dev sentences. "
                       "See `docs/datasheet.md`.\n\n" + licenses
                       + ("\n\nThe training data includes **CC BY-SA 4.0** text (OneStopEnglish adaptations of Guardian "
                          "articles) and annotations derived from it, so the weights are shared under CC BY-SA 4.0 too; "
                          "see `DATA_LICENSE.md`." if has_sa else "")),
        preprocessing=input_fmt,
        training_regime=_md_table(["parameter", "value"], [[k, f"`{v}`"] for k, v in sorted(params.items())
                                                            if k not in ("data", "out")]),
        speeds_sizes_times=(f"Best epoch {training['best_epoch']} of {params.get('epochs')}; dev macro-F1 per epoch: "
                            + ", ".join(f"{h['dev_macro_f1']:.3f}" for h in training.get("history", []))
                            if training.get("history") else "Trains in seconds on a CPU."),
        testing_data=("The real test split (GUM and OneStopEnglish documents never trained on, split by document), "
                      "the seed article (a third-party news article, test only) and the test split of documents "
                      "written for the project."),
        testing_factors="Set (real / seed / written), genre and source; per-genre figures are in `reports/report.html`.",
        testing_metrics=("Macro-F1 over the three labels with a 95% bootstrap interval (documents resampled; sentences "
                         "for the single seed article), accuracy, expected calibration error (15 bins)."),
        results=results + "\n\nPer label, real test split:\n\n" + per_label,
        results_summary=headline_note,
        model_examination=(f"Temperature scaling: T = {cal['temperature']:.3f}, fitted on {cal.get('n', '?')} real dev "
                           "sentences; scores are calibrated by default." if cal.get("temperature") else ""),
        hardware_type="CPU (2-core x86_64) or one GPU when present", hours_used="under 0.1",
        cloud_provider="none", cloud_region="none", co2_emitted="not measured (minutes of CPU time)",
        model_specs=("BERT-style encoder (6 layers, 384 hidden) with a 3-way classification head" if kind == "transformer"
                     else "TF-IDF word and character n-grams into multinomial logistic regression"),
        compute_infrastructure="Trained by the `dvc repro` pipeline (stage `train_" + model + "`).",
        hardware_requirements="Runs on a CPU; about 100 sentences/s for the transformer, thousands for TF-IDF.",
        software=", ".join(f"{k} {v}" for k, v in sorted((meta.get("versions") or {}).items())),
        model_card_authors="generated by the claimsift `report` stage", model_card_contact="the claimsift issue tracker",
        citation_bibtex="none", citation_apa="none", glossary=", ".join(f"{lab}: {DEFINITIONS[lab]}" for lab in LABELS),
        more_information="`reports/report.html` (full evaluation), `docs/datasheet.md`, `DATA_LICENSE.md`.",
        funded_by="none", paper="none", demo="`claimsift serve` (local HTTP service)",
    )
    return card
