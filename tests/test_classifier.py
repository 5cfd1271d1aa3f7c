import json

import pytest

from claimsift import Classifier
from claimsift import tfidf
from claimsift.modelmeta import ModelError, write_metadata
from tests.conftest import ARGUMENTS, FINDINGS, TESTIMONIES


@pytest.fixture(scope="module")
def tfidf_dir(tmp_path_factory):
    """A real (tiny) TF-IDF model directory, as the train_tfidf stage writes it."""
    out = tmp_path_factory.mktemp("tfidf")
    texts = FINDINGS + TESTIMONIES + ARGUMENTS
    labels = ["finding"] * 12 + ["testimony"] * 12 + ["argument"] * 12
    tfidf.save(tfidf.fit_pipeline(tfidf.build_pipeline(char_ngrams=(2, 4)), texts, labels), out)
    data = out / "train.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": l}) + "\n" for t, l in zip(texts, labels)))
    write_metadata(out, "tfidf", {"use_quote_context": True}, data)
    return out


TEXT = (
    "Prison report finds abuse\n"
    "The audit counted 412 prisoners in a wing built for 150. "
    "“They took my phone and beat me with a hose,” said Amadou Keita.\n"
    "This ruling is a disgrace and must be overturned.\n"
    "Read more\n- Another story\n"
)


def test_classify_contract(tfidf_dir):
    records = Classifier.load(tfidf_dir).classify(TEXT, doc_id="d")
    assert [r.index for r in records] == list(range(len(records)))
    body = [r for r in records if r.body]
    assert [r.label for r in body] == ["finding", "testimony", "argument"]
    for r in records:
        assert TEXT[r.start : r.end] == r.text and r.doc == "d"
        d = r.to_dict()
        assert {"doc", "index", "start", "end", "text", "body", "label", "scores"} <= set(d)
        if r.body:
            assert set(r.scores) == {"finding", "testimony", "argument"}
            assert r.label == max(r.scores, key=r.scores.get)
        else:
            assert r.label is None and r.scores is None
    assert any(r.text == "Read more" and not r.body for r in records)


def test_empty_text_gives_no_records(tfidf_dir):
    assert Classifier.load(tfidf_dir).classify("") == []


def test_load_errors(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        Classifier.load(tmp_path / "missing")
    with pytest.raises(ModelError, match="not a claimsift model"):
        Classifier.load(tmp_path)
