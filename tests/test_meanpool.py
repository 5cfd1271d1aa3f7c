"""Mean-pooling BERT classifier: the masked mean, saving and checked loading."""

import json

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from claimsift import modelcheck
from claimsift.meanpool import BertMeanPoolForSequenceClassification, masked_mean
from claimsift.transformer import ARCHITECTURES, POOLING, load_checked
from tests.saved_models import save_untrained_transformer


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(st.integers(1, 7), min_size=1, max_size=4), seed=st.integers(0, 2**16))
def test_masked_mean_is_the_mean_of_the_unpadded_rows(lengths, seed):
    gen = torch.Generator().manual_seed(seed)
    width = max(lengths) + 2
    hidden = torch.randn(len(lengths), width, 5, generator=gen)
    mask = torch.zeros(len(lengths), width, dtype=torch.long)
    for i, n in enumerate(lengths):
        mask[i, :n] = 1
    got = masked_mean(hidden, mask)
    for i, n in enumerate(lengths):
        assert torch.allclose(got[i], hidden[i, :n].mean(0), atol=1e-5)
    hidden[mask == 0] = 1e6  # whatever sits in the padding
    assert torch.allclose(masked_mean(hidden, mask), got, atol=1e-5)


def test_the_two_class_tables_agree_with_the_checker():
    assert set(ARCHITECTURES) == set(modelcheck.TRANSFORMER_ARCHITECTURES) == set(POOLING.values())
    assert all(load().__name__ == name for name, load in ARCHITECTURES.items())


@pytest.fixture(scope="module")
def mean_model_dir(tmp_path_factory):
    """A mean-pooling classifier saved and sealed as the train stage saves one (head untrained)."""
    out = tmp_path_factory.mktemp("meanpool") / "model"
    model = save_untrained_transformer("BertMeanPoolForSequenceClassification", out,
                                       {"max_length": 64, "use_quote_context": False, "pooling": "mean"})
    return out, model.eval()


def test_saved_mean_model_loads_as_its_own_class_with_the_same_logits(mean_model_dir):
    out, model = mean_model_dir
    assert json.loads((out / "config.json").read_text())["architectures"] == ["BertMeanPoolForSequenceClassification"]
    tokenizer, loaded = load_checked(out)
    assert type(loaded) is BertMeanPoolForSequenceClassification
    assert not hasattr(loaded.bert, "pooler") or loaded.bert.pooler is None
    batch = tokenizer(["Police arrested 31 people.", "The decision is shameful, she said."], padding=True, return_tensors="pt")
    with torch.inference_mode():
        assert torch.allclose(loaded.eval()(**batch).logits, model(**batch).logits, atol=1e-6)


def test_scorer_takes_the_lean_path_and_agrees_with_the_forward(mean_model_dir):
    from transformers import AutoTokenizer

    from claimsift.transformer import TransformerScorer

    out, model = mean_model_dir
    scorer = TransformerScorer(out, precision="fp32")
    assert scorer.lean is not None
    texts = ["Police arrested 31 people.", "“They beat me,” she said, “every night.”", "It must stop."]
    batch = AutoTokenizer.from_pretrained(out)(texts, padding=True, return_tensors="pt")
    with torch.inference_mode():
        expected = torch.softmax(model(**batch).logits, -1).numpy()
    got = scorer.predict_proba(texts, 2)
    assert got.shape == (3, 3) and abs(got - expected).max() < 1e-5


@pytest.mark.parametrize("archs", [["BertMeanPoolForSequenceClassification", "BertForSequenceClassification"],
                                   "BertMeanPoolForSequenceClassification", [], ["BertMeanPoolForMaskedLM"]])
def test_architecture_list_must_name_exactly_one_allowed_class(mean_model_dir, tmp_path, archs):
    import shutil

    from claimsift.modelmeta import META_FILE, ModelError, file_manifest

    src, _ = mean_model_dir
    model_dir = tmp_path / "model"
    shutil.copytree(src, model_dir)
    config = json.loads((model_dir / "config.json").read_text())
    config["architectures"] = archs
    (model_dir / "config.json").write_text(json.dumps(config))
    meta = json.loads((model_dir / META_FILE).read_text())
    meta["files"] = file_manifest(model_dir)  # resealed, as whoever edits a model can
    (model_dir / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="architectures"):
        load_checked(model_dir)


def test_lean_mean_pooling_reads_every_token_and_no_padding(mean_model_dir):
    from transformers import AutoTokenizer

    from claimsift.bert_inference import LeanBert

    out, model = mean_model_dir
    texts = ["Police arrested 31 people.", "The inquiry received 219 written submissions by September."]
    batch = dict(AutoTokenizer.from_pretrained(out)(texts, padding=True, return_tensors="pt"))
    lean = LeanBert(model)
    base = lean(**batch)
    # Changing a padded position's token changes nothing; changing a real last token changes the row.
    row = int((batch["attention_mask"][:, -1] == 0).nonzero()[0])
    padded = {k: v.clone() for k, v in batch.items()}
    padded["input_ids"][row, -1] = 1000
    assert torch.allclose(lean(**padded), base, atol=1e-6)
    last = int(batch["attention_mask"][row].sum()) - 2  # the last word piece before [SEP]
    changed = {k: v.clone() for k, v in batch.items()}
    changed["input_ids"][row, last] = 1000
    assert not torch.allclose(lean(**changed)[row], base[row], atol=1e-4)
