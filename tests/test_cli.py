import json

import pytest

from claimsift.cli import main
from tests.test_classifier import TEXT, tfidf_dir  # noqa: F401  (fixture)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_classify_jsonl_and_table(tmp_path, capsys, tfidf_dir):  # noqa: F811
    doc = tmp_path / "article.txt"
    doc.write_text(TEXT, encoding="utf-8")
    code, out, _ = run(capsys, "classify", str(doc), "--model", str(tfidf_dir))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0]["doc"] == "article"
    assert [r["label"] for r in records if r["body"]] == ["finding", "testimony", "argument"]
    code, out, _ = run(capsys, "classify", str(doc), "--model", str(tfidf_dir), "--format", "table")
    assert code == 0 and "testimony" in out and "Amadou" in out


def test_classify_with_text(tmp_path, capsys, tfidf_dir):  # noqa: F811
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    code, out, _ = run(capsys, "classify", str(doc), "--model", str(tfidf_dir), "--with-text")
    rec = json.loads(out)
    assert code == 0 and rec["text"] == TEXT
    assert all(rec["text"][s["start"] : s["end"]] == s["text"] for s in rec["segments"])


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"\x00\x01\x02\x03binary\x00\x00", "binary")],
)
def test_bad_inputs_exit_2(tmp_path, capsys, tfidf_dir, content, message):  # noqa: F811
    doc = tmp_path / "bad.txt"
    doc.write_bytes(content)
    code, out, err = run(capsys, "classify", str(doc), "--model", str(tfidf_dir))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err.lower()


def test_missing_and_foreign_model_exit_2(tmp_path, capsys):
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    code, _, err = run(capsys, "classify", str(doc), "--model", str(tmp_path / "nope"))
    assert code == 2 and "model directory not found" in err
    code, _, err = run(capsys, "classify", str(doc), "--model", str(tmp_path))
    assert code == 2 and "not a claimsift model" in err


def test_missing_input_file_exit_2(tmp_path, capsys, tfidf_dir):  # noqa: F811
    code, _, err = run(capsys, "classify", str(tmp_path / "none.txt"), "--model", str(tfidf_dir))
    assert code == 2 and err.startswith("claimsift: error:")
