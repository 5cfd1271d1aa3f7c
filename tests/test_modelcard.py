from huggingface_hub import ModelCard

from claimsift.modelcard import build_card, datasheet_section, training_sources
from tests.report_inputs import metrics

DATASHEET = "# D\n\n## Known biases and gaps\n- **Synthetic text.** Cleaner than real reporting.\n\n## License\nMIT\n"
META = {"kind": "transformer", "labels": ["finding", "testimony", "argument"],
        "params": {"use_quote_context": True, "epochs": 4, "real_weight": 2, "data": "x", "out": "y"},
        "calibration": {"temperature": 1.7, "n": 300}, "n_train": 100, "n_dev": 30,
        "training": {"best_epoch": 3, "history": [{"epoch": 1, "dev_macro_f1": 0.5}, {"epoch": 3, "dev_macro_f1": 0.8}]},
        "versions": {"torch": "2.13.0"}}
SENTENCES = [{"doc": "ose_1", "split": "train", "body": True, "label": "finding"},
             {"doc": "ose_1", "split": "train", "body": True, "label": "argument"},
             {"doc": "w_1", "split": "train", "body": True, "label": "finding"},
             {"doc": "gum_1", "split": "test", "body": True, "label": "finding"}]
DOCS = [{"id": "ose_1", "written_for_project": False, "source": "onestopenglish", "license": "CC BY-SA 4.0"},
        {"id": "w_1", "written_for_project": True}, {"id": "gum_1", "written_for_project": False, "source": "gum"}]


def test_training_sources_count_train_documents_and_sentences_per_license():
    assert training_sources(SENTENCES, DOCS) == [
        {"source": "onestopenglish", "license": "CC BY-SA 4.0", "documents": 1, "sentences": 2},
        {"source": "written for this project", "license": "MIT", "documents": 1, "sentences": 1}]


def test_card_has_model_index_license_and_every_required_section(tmp_path):
    card = build_card("transformer", META, metrics()["transformer"], DATASHEET, training_sources(SENTENCES, DOCS))
    path = tmp_path / "README.md"
    path.write_text(str(card))
    loaded = ModelCard.load(path)  # parses the YAML front matter back
    data = loaded.data.to_dict()
    assert data["license"] == "cc-by-sa-4.0" and data["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    results = data["model-index"][0]["results"]
    real = [r for r in results if r["dataset"]["type"] == "claimsift-real-test"][0]
    assert {m["type"]: m["value"] for m in real["metrics"]} == {
        "f1": metrics()["transformer"]["real_test"]["macro_f1"], "accuracy": metrics()["transformer"]["real_test"]["accuracy"]}
    text = loaded.text
    for needle in ("### Out-of-Scope Use", "Cleaner than real reporting", "[in quote; cue: said]", "CC BY-SA 4.0",
                   "0.100–0.900", "T = 1.700", "Classifier.load", "Best epoch 3 of 4"):
        assert needle in text, needle
    assert "[More Information Needed]" not in text


def test_datasheet_section_reads_one_section():
    assert datasheet_section(DATASHEET, "License") == "MIT"
    assert datasheet_section(DATASHEET, "Absent") == ""


def test_card_of_a_context_model_describes_the_text_pair():
    single = str(build_card("transformer", META, metrics()["transformer"], DATASHEET, []))
    meta = {**META, "params": {**META["params"], "context": "neighbours"}}
    pair = str(build_card("transformer", meta, metrics()["transformer"], DATASHEET, []))
    assert "<previous> [SEP] <next>" in pair and "<previous> [SEP] <next>" not in single


def test_card_of_a_mean_pooled_model_names_its_class_and_how_to_load_it():
    plain = str(build_card("transformer", META, metrics()["transformer"], DATASHEET, []))
    meta = {**META, "params": {**META["params"], "pooling": "mean"}}
    mean = str(build_card("transformer", meta, metrics()["transformer"], DATASHEET, []))
    assert "BertMeanPoolForSequenceClassification" in mean and "load them with claimsift" in mean
    assert "mean of the token vectors" in mean and "BertMeanPool" not in plain
