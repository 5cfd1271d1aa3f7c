"""Fine-tuning on a tiny budget: checks the mechanics, not the quality."""

import json

import pytest

from claimsift import transformer
from claimsift.labels import LABELS
from claimsift.modelmeta import ModelError
from tests.conftest import ARGUMENTS, FINDINGS, TESTIMONIES


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("tf")
    texts = FINDINGS[:6] + TESTIMONIES[:6] + ARGUMENTS[:6]
    labels = ["finding"] * 6 + ["testimony"] * 6 + ["argument"] * 6
    dev = FINDINGS[6:8] + TESTIMONIES[6:8] + ARGUMENTS[6:8]
    dev_labels = ["finding"] * 2 + ["testimony"] * 2 + ["argument"] * 2
    result = transformer.train(texts, labels, dev, dev_labels, out, epochs=2, batch_size=8, max_length=32, progress=False)
    return out, result


def test_training_saves_safetensors_and_history(tiny_model):
    out, result = tiny_model
    assert (out / "model.safetensors").is_file()
    assert not list(out.glob("*.bin")) and not list(out.glob("*.pt"))
    config = json.loads((out / "config.json").read_text())
    assert [config["id2label"][str(i)] for i in range(3)] == list(LABELS)
    assert [h["epoch"] for h in result["history"]] == [1, 2]
    best = max(result["history"], key=lambda h: h["dev_macro_f1"])
    assert result["best_epoch"] == best["epoch"]


def test_scorer_probabilities(tiny_model):
    out, _ = tiny_model
    scorer = transformer.TransformerScorer(out)
    texts = ["A short one.", "A much longer sentence that needs padding against the short one in its batch."]
    probs = scorer.predict_proba(texts)
    assert probs.shape == (2, 3)
    assert abs(probs.sum(1) - 1).max() < 1e-5
    # Batching and padding do not change a sentence's scores.
    alone = scorer.predict_proba(texts[:1])
    assert abs(alone[0] - probs[0]).max() < 1e-4
    assert scorer.predict_proba([]).shape == (0, 3)


def test_scorer_refuses_missing_weights(tmp_path):
    with pytest.raises(ModelError, match="no model.safetensors"):
        transformer.TransformerScorer(tmp_path)


def test_bucketed_order_is_a_permutation_of_similar_length_batches():
    import random

    from claimsift.transformer import bucketed_order

    lengths = [random.Random(i).randint(5, 120) for i in range(1000)]
    order = bucketed_order(lengths, 16, random.Random(0), chunk_batches=10)
    assert sorted(order) == list(range(1000))
    batches = [order[i : i + 16] for i in range(0, 1000, 16)]
    spread = sum(max(lengths[j] for j in b) - min(lengths[j] for j in b) for b in batches) / len(batches)
    assert spread < 20  # random batches of 16 would span about 100 tokens
    assert order != bucketed_order(lengths, 16, random.Random(1), chunk_batches=10)


def test_scorer_workers_and_lean_forward_agree(tiny_model):
    """Batches run on worker threads (one core each) and the lean forward give the scores of one
    batch at a time through the transformers forward, in input order."""
    import torch

    out, _ = tiny_model
    threads = transformer.default_workers()  # torch's count before any scorer set it to 1
    torch.set_num_threads(threads)
    texts = [f"Sentence {i} " + "with more words " * (i % 7) for i in range(40)]
    try:
        plain = transformer.TransformerScorer(out, batch_size=4, workers=1, lean=False)
        assert plain.workers == 1 and plain.lean is None and plain._pool is None
        expected = plain.predict_proba(texts)
        parallel = transformer.TransformerScorer(out, batch_size=4, workers=3)
        assert parallel.workers == 3 and parallel.lean is not None
        assert torch.get_num_threads() == 1  # one core per forward pass
        got = parallel.predict_proba(texts)
        assert abs(got - expected).max() < 1e-4
        assert (got.argmax(1) == expected.argmax(1)).all()
        # The default is the core count torch had before a scorer set it to 1.
        assert transformer.default_workers() == threads
        assert transformer.TransformerScorer(out).workers == threads
        with pytest.raises(ValueError, match="workers must be at least 1"):
            transformer.TransformerScorer(out, workers=0)
    finally:
        torch.set_num_threads(threads)


def test_batches_keep_a_token_budget_and_padding_changes_no_score(tiny_model):
    """Long sentences go in smaller batches (at most ``max_batch_tokens`` padded tokens), batch
    shapes are multiples of 8, and neither the budget nor the padding rows change a score."""
    out, _ = tiny_model
    texts = [("word " * (3 + (i * 37) % 120)).strip() for i in range(150)]
    roomy = transformer.TransformerScorer(out, batch_size=64, workers=1, max_batch_tokens=10**6)
    tight = transformer.TransformerScorer(out, batch_size=64, workers=1, max_batch_tokens=512)
    rows = tight.encode(texts)
    chunks = tight._chunks(rows, 64)
    assert sorted(j for c in chunks for j in c) == list(range(150))
    for chunk in chunks:
        shape = tight._tensors([rows[j] for j in chunk])["input_ids"].shape
        assert shape[0] % 8 == 0 and shape[1] % 8 == 0
        assert shape[0] * shape[1] <= max(512, 8 * shape[1])  # at least 8 rows (padded) per batch
    assert len(chunks) > len(roomy._chunks(rows, 64))
    expected, got = roomy.predict_proba(texts), tight.predict_proba(texts)
    assert abs(got - expected).max() < 1e-4
    assert (got.argmax(1) == expected.argmax(1)).all()
    # One sentence alone (a padded batch of 8 rows) scores as it does among others.
    assert abs(tight.predict_proba(texts[:1]) - expected[:1]).max() < 1e-4


def test_release_free_memory_is_safe_to_call():
    from claimsift.heap import release_free_memory

    for _ in range(3):
        release_free_memory()
