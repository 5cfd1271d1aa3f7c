import json

import pytest

from claimsift.modelmeta import META_FILE, ModelError, read_metadata, write_metadata


def test_write_then_read(tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_text("{}\n")
    meta = write_metadata(tmp_path, "tfidf", {"C": 1}, data, extra={"n_train": 3})
    assert read_metadata(tmp_path, verify=False) == meta
    assert meta["files"] == {"train.jsonl": meta["data"]["sha256"]}  # every file but claimsift.json
    assert meta["data"]["sha256"] == "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356"
    assert meta["versions"]["scikit-learn"]


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "not a claimsift model"),
        ("{bad", "unreadable metadata"),
        (json.dumps({"kind": "svm", "labels": []}), "unknown model kind 'svm'"),
        (json.dumps({"kind": "tfidf", "labels": ["a", "b"]}), "labels"),
    ],
)
def test_foreign_directories(tmp_path, content, message):
    if content is not None:
        (tmp_path / META_FILE).write_text(content)
    with pytest.raises(ModelError, match=message):
        read_metadata(tmp_path)


def test_missing_directory(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        read_metadata(tmp_path / "nope")
