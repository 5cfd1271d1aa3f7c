"""LeanBert gives the logits of the model's own forward, on the packaged MiniLM, for both poolings."""

import pytest
import torch

from claimsift.bert_inference import LeanBert, supports
from claimsift.transformer import base_model_path

SENTENCES = [
    "Police arrested 31 people.",
    "“They kept hitting me until I signed,” he told the court in a statement read by his lawyer.",
    "The decision is shameful.",
    "An inquiry received 219 written submissions by September, most of them from former detainees.",
]


@pytest.fixture(scope="module", params=["cls", "mean"])
def model_and_tokenizer(request):
    """The packaged MiniLM with a seeded 3-label head, as each ``pooling`` of training builds it."""
    from transformers import AutoTokenizer

    from claimsift.transformer import ARCHITECTURES, POOLING

    torch.manual_seed(0)
    model = ARCHITECTURES[POOLING[request.param]]().from_pretrained(base_model_path(), num_labels=3).eval()
    return model, AutoTokenizer.from_pretrained(base_model_path())


def _batch(tokenizer, texts, pairs=None):
    enc = tokenizer(texts, pairs, padding=True, return_tensors="pt") if pairs else tokenizer(
        texts, padding=True, return_tensors="pt")
    return {k: v for k, v in enc.items() if k in ("input_ids", "attention_mask", "token_type_ids")}


def test_fp32_logits_match_transformers_with_padding(model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    batch = _batch(tokenizer, SENTENCES)
    assert (batch["attention_mask"] == 0).any()  # the batch is padded
    with torch.inference_mode():
        expected = model(**batch).logits
    got = LeanBert(model)(**batch)
    assert got.shape == (len(SENTENCES), 3) and got.dtype == torch.float32
    assert torch.allclose(got, expected, atol=1e-5)
    # Without token types (single texts) the result is the same.
    no_types = {k: v for k, v in batch.items() if k != "token_type_ids"}
    assert torch.allclose(LeanBert(model)(**no_types), expected, atol=1e-5)


def test_padding_does_not_change_a_row(model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    lean = LeanBert(model)
    together = lean(**_batch(tokenizer, SENTENCES))
    for i, text in enumerate(SENTENCES):
        assert torch.allclose(lean(**_batch(tokenizer, [text]))[0], together[i], atol=1e-5)


def test_sentence_pairs_use_token_types(model_and_tokenizer):
    model, tokenizer = model_and_tokenizer
    batch = _batch(tokenizer, SENTENCES[:2], ["Before it. [SEP] After it.", " [SEP] "])
    assert batch["token_type_ids"].any()
    with torch.inference_mode():
        expected = model(**batch).logits
    assert torch.allclose(LeanBert(model)(**batch), expected, atol=1e-5)


def test_bf16_stays_close_to_fp32(model_and_tokenizer):
    import copy

    model, tokenizer = model_and_tokenizer
    batch = _batch(tokenizer, SENTENCES)
    p32 = torch.softmax(LeanBert(model)(**batch), -1)
    bf16 = copy.deepcopy(model).to(torch.bfloat16)
    lean16 = LeanBert(bf16)
    assert lean16.dtype == torch.bfloat16
    p16 = torch.softmax(lean16(**batch).float(), -1)
    with torch.inference_mode():
        hf16 = torch.softmax(bf16(**batch).logits.float(), -1)
    assert (p16 - p32).abs().max() < 0.05
    assert (p16 - hf16).abs().max() < 0.05


def test_refuses_other_architectures(model_and_tokenizer):
    import copy

    model, _ = model_and_tokenizer
    assert supports(model)
    for field, value in [("hidden_act", "relu"), ("position_embedding_type", "relative_key"), ("is_decoder", True)]:
        other = copy.deepcopy(model)
        setattr(other.config, field, value)
        assert not supports(other)
        with pytest.raises(ValueError, match="not a plain BERT classifier"):
            LeanBert(other)

