"""Tests for ``Classifier.iter_classify``: one document classified as a stream of windows, the
records of ``classify`` without holding them all (issue 8, item 9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimsift import Classifier
from claimsift.modelmeta import write_metadata
from claimsift.segment import segment_document
from tests.memory import traced_peak
from tests.test_classifier import DOCS, any_model, tfidf_dir, transformer_dir  # noqa: F401  (fixtures)
from tests.test_segment import _NEWSY

FLAGSHIP = Path(__file__).resolve().parents[1] / "data" / "raw" / "000_d102734279138d1d.txt"
TEXTS = [*DOCS, FLAGSHIP.read_text(encoding="utf-8")]


@pytest.mark.parametrize("window", [1, 3, 2048])
def test_iter_classify_gives_the_records_of_classify(any_model, window):  # noqa: F811
    for i, text in enumerate(TEXTS):
        listed = next(any_model.classify_many([text], [f"d{i}"], window=window))
        # the same windows and batches, so the very same scores, for either model
        assert list(any_model.iter_classify(text, f"d{i}", window=window)) == listed
    assert list(any_model.iter_classify("")) == []


@pytest.fixture(scope="module")
def tfidf_model(tfidf_dir):  # noqa: F811
    return Classifier.load(tfidf_dir)


@settings(max_examples=150, deadline=None)
@given(text=_NEWSY, window=st.integers(1, 6))
def test_iter_classify_equals_classify_on_any_text(tfidf_model, text, window):
    assert list(tfidf_model.iter_classify(text, "d", window=window)) == tfidf_model.classify(text, "d")


def test_iter_classify_rejects_an_empty_window(tfidf_dir):  # noqa: F811
    with pytest.raises(ValueError, match="window"):
        next(Classifier.load(tfidf_dir).iter_classify("One. Two.", window=0))


def test_non_body_floods_are_given_out_in_bounded_batches(tfidf_dir):  # noqa: F811
    # 5,000 heading-like lines with no body sentence between two body sentences: given out in
    # batches of 8 * window segments, not held until the next body sentence
    text = "The first sentence is body text.\n" + "Short heading\n" * 5_000 + "The last one is body too."
    clf = Classifier.load(tfidf_dir)
    stream = clf.iter_classify(text, "d", window=4)
    assert list(stream) == clf.classify(text, "d")


@pytest.fixture(scope="module")
def context_model(transformer_dir, tmp_path_factory):  # noqa: F811
    """The test transformer, described as a model that reads each sentence's neighbours."""
    out = tmp_path_factory.mktemp("context") / "model"
    shutil.copytree(transformer_dir, out)
    (out / "claimsift.json").unlink()
    write_metadata(out, "transformer", {"use_quote_context": True, "max_length": 64, "context": "neighbours"},
                   out / "train.jsonl")
    clf = Classifier.load(out, precision="fp32")
    assert clf.uses_context
    return clf


def test_iter_classify_keeps_neighbours_across_window_edges(context_model):
    from claimsift.features import neighbour_context

    text = FLAGSHIP.read_text(encoding="utf-8")[:2500]
    records = [s.to_dict() for s in segment_document(text, "d") if s.body]
    expected = list(zip(context_model.model_inputs(records), neighbour_context(records)))
    seen: list = []
    score = context_model._predict_proba

    def recording(inputs, batch_size):
        seen.extend(inputs)
        return score(inputs, batch_size)

    context_model._predict_proba = recording  # what the model is given, window by window
    try:
        streamed = [r for r in context_model.iter_classify(text, "d", window=2) if r.body]
    finally:
        context_model._predict_proba = score
    assert len(records) > 6
    # every sentence with both its neighbours, though the windows hold two sentences each
    assert seen == expected
    whole = context_model.predict_proba(records)
    for r, row in zip(streamed, whole):
        assert max(abs(r.scores[name] - float(p)) for name, p in zip(r.scores, row)) < 1e-4


def test_context_model_reads_records_without_doc_as_one_document(context_model):
    records = [{"text": t} for t in ("Police closed the bridge on Monday.", "“I saw the smoke,” a driver said.",
                                     "The council should reopen it at once.")]
    with_doc = context_model.predict_proba([{**r, "doc": "d"} for r in records])
    assert np.allclose(context_model.predict_proba(records), with_doc, atol=1e-5)


@pytest.mark.parametrize("bad", [{"doc": "d"}, {"text": None}, "a bare string", {"text": 3}])
def test_records_without_text_fail_with_one_line(context_model, bad):
    with pytest.raises(ValueError, match=r"^record 1 has no text") as err:
        context_model.predict_proba([{"text": "A first sentence."}, bad])
    assert "\n" not in str(err.value)


_VALUE = st.one_of(st.text(max_size=40), st.none(), st.integers(), st.booleans())


@settings(max_examples=100, deadline=None)
@given(records=st.lists(st.one_of(_VALUE, st.dictionaries(st.sampled_from(["text", "doc", "in_quote", "cue"]), _VALUE)),
                        min_size=1, max_size=6))
def test_any_records_give_one_row_each_or_a_one_line_error(tfidf_model, records):
    try:
        probs = tfidf_model.predict_proba(records)
    except ValueError as exc:
        assert str(exc).startswith("record ") and "\n" not in str(exc)
        assert not all(isinstance(r, dict) and isinstance(r.get("text"), str) for r in records)
    else:
        assert probs.shape == (len(records), 3) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_iter_classify_memory_stays_flat(tfidf_dir):  # noqa: F811
    clf = Classifier.load(tfidf_dir)
    clf.classify("Warm up the imports.")
    text = "Police arrested 31 people outside the ministry.\n" * 20_000  # 960 kB, 20,000 segments

    streamed = traced_peak(lambda: sum(1 for _ in clf.iter_classify(text, "d", window=256)))
    listed = traced_peak(lambda: clf.classify(text, "d"))
    # measured: about 2 MB streamed (the text's copies and one window), 25 MB as one list
    assert streamed < 5_000_000 < 15_000_000 < listed, (streamed, listed)
