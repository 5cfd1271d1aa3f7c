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


# ---- the batch API --------------------------------------------------------------------------

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import claimsift  # noqa: E402

from claimsift.precision import cpu_supports_bf16, resolve_precision  # noqa: E402

DOCS = [
    TEXT,
    "Officials said 12 people were injured.\nThe decision is shameful.",
    "",
    "A much longer sentence about the inquiry, which received 219 written submissions by September, "
    "was read out. “I saw them take him away,” his sister said. Parliament must act now.",
]


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a child Python that imports this checkout's claimsift (not another one's)."""
    src = str(Path(claimsift.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]), **extra}


@pytest.fixture(scope="module")
def transformer_dir(tmp_path_factory):
    """A real transformer model directory: the packaged MiniLM with a (seeded, untrained)
    three-way head, saved and described as the train_transformer stage does."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from claimsift.labels import ID2LABEL, LABEL2ID
    from claimsift.transformer import base_model_path

    out = tmp_path_factory.mktemp("transformer")
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(
        base_model_path(), num_labels=3, id2label=dict(ID2LABEL), label2id=dict(LABEL2ID))
    model.save_pretrained(out, safe_serialization=True)
    AutoTokenizer.from_pretrained(base_model_path()).save_pretrained(out)
    data = out / "train.jsonl"
    data.write_text('{"text": "x", "label": "finding"}\n')
    write_metadata(out, "transformer", {"use_quote_context": True, "max_length": 64}, data)
    return out


@pytest.fixture(scope="module", params=["tfidf", "transformer"])
def any_model(request, tfidf_dir, transformer_dir):
    return Classifier.load(tfidf_dir if request.param == "tfidf" else transformer_dir, precision="fp32")


def test_classify_many_matches_classify_in_order(any_model):
    ids = [f"d{i}" for i in range(len(DOCS))]
    many = list(any_model.classify_many(DOCS, ids, batch_size=3))
    assert len(many) == len(DOCS) and many[2] == []
    for doc_id, text, got in zip(ids, DOCS, many):
        alone = any_model.classify(text, doc_id)
        assert [(r.doc, r.index, r.start, r.end, r.label) for r in got] == [
            (r.doc, r.index, r.start, r.end, r.label) for r in alone]
        for a, b in zip(got, alone):
            if a.body:  # batching with other documents changes scores by float rounding at most
                assert max(abs(a.scores[k] - b.scores[k]) for k in a.scores) < 1e-4
            assert text[a.start : a.end] == a.text


def test_classify_many_default_ids_and_length_mismatch(tfidf_dir):
    clf = Classifier.load(tfidf_dir)
    assert [segs[0].doc for segs in clf.classify_many(["One.", "Two."])] == ["0", "1"]
    with pytest.raises(ValueError):
        list(clf.classify_many(["One.", "Two."], ["only-one"]))
    assert list(clf.classify_many([])) == []


def test_classify_many_streams(tfidf_dir):
    """With a small window, results come back before the input generator is exhausted."""
    clf = Classifier.load(tfidf_dir)
    pulled = []

    def texts():
        for i in range(50):
            pulled.append(i)
            yield DOCS[1]

    stream = clf.classify_many(texts(), window=4)
    first = next(stream)
    assert first[0].label is not None and len(pulled) < 10
    assert len(list(stream)) == 49 and len(pulled) == 50


def test_precision_switch(transformer_dir, tfidf_dir):
    fp32 = Classifier.load(transformer_dir, precision="fp32")
    bf16 = Classifier.load(transformer_dir, precision="bf16")
    auto = Classifier.load(transformer_dir)
    assert (fp32.precision, bf16.precision) == ("fp32", "bf16")
    assert auto.precision == resolve_precision("auto", gpu=False) == ("bf16" if cpu_supports_bf16() else "fp32")
    records = [s.to_dict() for s in fp32.classify(DOCS[3]) if s.body]
    p32, p16 = fp32.predict_proba(records), bf16.predict_proba(records)
    assert p16.shape == p32.shape == (len(records), 3)
    assert abs(p16 - p32).max() < 0.05 and abs(p16.sum(1) - 1).max() < 1e-3
    with pytest.raises(ValueError, match="unknown precision"):
        Classifier.load(transformer_dir, precision="fp8")
    with pytest.raises(ValueError, match="transformer models only"):
        Classifier.load(tfidf_dir, precision="bf16")
    assert Classifier.load(tfidf_dir).precision == "fp64"


def test_inference_does_not_import_datasets(transformer_dir):
    code = ("import sys; from claimsift import Classifier; "
            f"c = Classifier.load({str(transformer_dir)!r}); list(c.classify_many(['Police arrested 31 people.'])); "
            "print('datasets' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=child_env())
    assert out.stdout.split() == ["False", "True"]


def test_importing_claimsift_does_not_import_torch():
    out = subprocess.run([sys.executable, "-c", "import sys, claimsift; print('torch' in sys.modules)"],
                         capture_output=True, text=True, check=True, env=child_env())
    assert out.stdout.strip() == "False"


def test_segment_record_is_every_field_in_order(any_model):
    """``to_dict`` (spelled out for speed) is exactly ``dataclasses.asdict``, key order included,
    and its scores are a copy."""
    import dataclasses

    segments = any_model.classify(DOCS[3], "d3")
    assert any(s.body for s in segments) and any(not s.body for s in any_model.classify("BREAKING NEWS\n\n" + DOCS[1]))
    for seg in segments + any_model.classify("BREAKING NEWS\n\n" + DOCS[1]):
        record = seg.to_dict()
        assert record == dataclasses.asdict(seg)
        assert list(record) == [f.name for f in dataclasses.fields(seg)]
        if seg.scores is not None:
            record["scores"]["finding"] = -1.0
            assert seg.scores["finding"] != -1.0


def test_workers_option(transformer_dir, tfidf_dir):
    import torch

    from claimsift.transformer import default_workers

    threads = default_workers()
    try:
        one = Classifier.load(transformer_dir, precision="fp32", workers=1)
        two = Classifier.load(transformer_dir, precision="fp32", workers=2)
        records = [s.to_dict() for s in one.classify(DOCS[0]) + one.classify(DOCS[3]) if s.body]
        assert abs(one.predict_proba(records, batch_size=2) - two.predict_proba(records, batch_size=2)).max() < 1e-4
        with pytest.raises(ValueError, match="workers must be at least 1"):
            Classifier.load(transformer_dir, workers=0)
        assert Classifier.load(tfidf_dir, workers=2).kind == "tfidf"  # TF-IDF takes and ignores it
    finally:
        torch.set_num_threads(threads)
