"""External corpora loaders on tiny look-alike files the test writes (no corpus text copied)."""

import json

from claimsift.external import label_unrelated, load_babe, load_checkthat, load_webis, proxy_metrics, sample
from claimsift.stages.external import evaluate_external
from tests.test_classifier import transformer_dir  # noqa: F401  (fixture)
from tests.test_classifier_stream import context_model  # noqa: F401  (fixture)


def make_corpora(root):
    ct = root / "checkthat2025_subjectivity_en"
    ct.mkdir(parents=True)
    (ct / "train_en.tsv").write_text("sentence_id\tsentence\tlabel\tsolved_conflict\n1\tA plain fact.\tOBJ\tFalse\n")
    (ct / "dev_en.tsv").write_text("sentence_id\tsentence\tlabel\n2\tWhat a \"shameful\" policy.\tSUBJ\n")
    (ct / "dev_test_en.tsv").write_text("sentence_id\tsentence\tlabel\n3\tRain fell.\tOBJ\n")
    wb = root / "webis_editorials_adu"
    wb.mkdir()
    rows = [("Title line", "title"), ("I saw it.", "testimony"), ("Half rose 4%.", "statistics"), ("We must act.", "assumption")]
    (wb / "sentences.jsonl").write_text("".join(json.dumps({"text": t, "main_label": l}) + "\n" for t, l in rows))
    bb = root / "babe"
    bb.mkdir()
    (bb / "final_labels_SG2.csv").write_text(
        "\ufefftext;label_opinion\n\"A \"\"quoted\"\" fact.\";Entirely factual\nAwful idea.;Expresses writer\u2019s opinion\nMixed;No agreement\n",
        encoding="utf-8",
    )


def test_loaders_map_labels(tmp_path):
    make_corpora(tmp_path)
    assert load_checkthat(tmp_path) == [("A plain fact.", "not_argument"), ('What a "shameful" policy.', "argument"), ("Rain fell.", "not_argument")]
    assert load_webis(tmp_path) == [("I saw it.", "testimony"), ("Half rose 4%.", "finding"), ("We must act.", "argument")]
    assert load_babe(tmp_path) == [('A "quoted" fact.', "finding"), ("Awful idea.", "argument")]


def test_proxy_metrics():
    m = proxy_metrics(["argument", "finding", "argument"], ["argument", "argument", "finding"])
    assert m["argument_vs_rest"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert m["per_label_f1"] == {"argument": 0.5, "finding": 0.0}
    binary = proxy_metrics(["argument", "not_argument"], ["argument", "testimony"])
    assert binary["argument_vs_rest"]["f1"] == 1.0 and "per_label_f1" not in binary


def test_sample_is_seeded_and_bounded():
    rows = list(range(100))
    assert sample(rows, 10, 1) == sample(rows, 10, 1) and len(sample(rows, 10, 1)) == 10
    assert sample(rows, None, 1) == rows


def test_absent_corpora_are_skipped(tmp_path):
    report = evaluate_external(tmp_path / "absent", {}, None, 0)
    assert "not found" in report["skipped"]


def test_unrelated_sentences_are_scored_without_neighbours(context_model):  # noqa: F811
    from claimsift.labels import LABELS

    texts = ["Police closed the bridge on Monday.", "“I saw the smoke,” a driver said.",
             "The council should reopen it at once."]
    seen: list = []
    score = context_model._predict_proba

    def recording(inputs, batch_size):
        seen.extend(inputs)
        return score(inputs, batch_size)

    context_model._predict_proba = recording  # what the model is given
    try:
        labels = label_unrelated(context_model, texts)
    finally:
        context_model._predict_proba = score
    assert [context for _, context in seen] == [" [SEP] "] * len(texts)  # no neighbours
    alone = [LABELS[int(context_model.predict_proba([{"text": t}]).argmax())] for t in texts]
    assert labels == alone
