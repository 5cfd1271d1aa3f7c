import json
import subprocess
import sys

import pytest

import claimsift
from claimsift.cli import MODEL_ENV, main
from tests.test_classifier import TEXT, child_env, tfidf_dir  # noqa: F401  (fixture)

FRENCH = ("Le gouvernement a annoncé mardi une réforme des retraites qui suscite de vives critiques chez les "
          "syndicats, lesquels appellent à la grève dans tout le pays.")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def docs(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Officials said 12 people were injured.\nThe decision is shameful.\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("# Title\n\nPolice arrested 31 people on Monday.\n", encoding="utf-8")
    return tmp_path


def test_classify_jsonl_and_table(docs, capsys, tfidf_dir, monkeypatch):  # noqa: F811
    monkeypatch.setenv("COLUMNS", "200")  # the table wraps text to the terminal width
    code, out, err = run(capsys, "classify", str(docs / "a.txt"), "--model", str(tfidf_dir))
    assert code == 0 and err == ""  # no progress bar when stderr is not a terminal
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0]["doc"] == "a"
    assert [r["label"] for r in records if r["body"]] == ["finding", "testimony", "argument"]
    code, out, _ = run(capsys, "classify", str(docs / "a.txt"), "--model", str(tfidf_dir), "--format", "table")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:6] == ["doc", "#", "label", "finding", "testimony", "argument"]
    assert set(lines[1]) == {"-"}
    row = next(line for line in lines if "Amadou" in line)
    assert row.split()[2] == "testimony" and len(row.split()[3]) == 5  # scores as 0.123
    assert "(link_list)" in out or "(heading)" in out
    monkeypatch.setenv("COLUMNS", "110")
    code, out, _ = run(capsys, "classify", str(docs / "a.txt"), "--model", str(tfidf_dir), "--format", "table")
    lines = out.splitlines()
    assert max(map(len, lines[2:])) <= 110
    wrapped = lines.index(next(line for line in lines if "They took my phone" in line))
    assert lines[wrapped + 1].startswith(" " * 40)  # continuation lines indented under the text column


def test_many_paths_and_globs_load_the_model_once(docs, capsys, tfidf_dir, monkeypatch):  # noqa: F811
    from claimsift import classifier as classifier_module

    loads = []
    original = classifier_module.Classifier.load.__func__
    monkeypatch.setattr(classifier_module.Classifier, "load",
                        classmethod(lambda cls, *a, **k: loads.append(a) or original(cls, *a, **k)))
    code, out, _ = run(capsys, "classify", str(docs / "a.txt"), str(docs / "*.md"), str(docs / "b.txt"),
                       "--model", str(tfidf_dir))
    assert code == 0 and len(loads) == 1
    docs_in_order = list(dict.fromkeys(json.loads(line)["doc"] for line in out.splitlines()))
    assert docs_in_order == ["a", "c", "b"]


def test_jsonl_batch_input_and_english_warning(docs, capsys, tfidf_dir):  # noqa: F811
    batch = docs / "batch.jsonl"
    batch.write_text(json.dumps({"id": "x1", "text": TEXT}) + "\n" + json.dumps({"id": "fr", "text": FRENCH}) + "\n",
                     encoding="utf-8")
    code, out, err = run(capsys, "classify", str(batch), str(docs / "b.txt"), "--model", str(tfidf_dir))
    docs_seen = list(dict.fromkeys(json.loads(line)["doc"] for line in out.splitlines()))
    assert code == 0 and docs_seen == ["x1", "fr", "b"]
    assert "fr: the text does not look like English" in err
    code, _, err = run(capsys, "classify", str(batch), "--model", str(tfidf_dir), "--quiet")
    assert code == 0 and err == ""


def test_with_text(docs, capsys, tfidf_dir):  # noqa: F811
    code, out, _ = run(capsys, "classify", str(docs / "a.txt"), "--model", str(tfidf_dir), "--with-text")
    rec = json.loads(out)
    assert code == 0 and rec["text"] == TEXT
    assert all(rec["text"][s["start"] : s["end"]] == s["text"] for s in rec["segments"])


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"\x00\x01\x02\x03binary\x00\x00", "binary")])
def test_refused_input_exit_1_rest_processed(docs, capsys, tfidf_dir, content, message):  # noqa: F811
    (docs / "bad.txt").write_bytes(content)
    code, out, err = run(capsys, "classify", str(docs / "bad.txt"), str(docs / "a.txt"), "--model", str(tfidf_dir))
    assert code == 1
    assert {json.loads(line)["doc"] for line in out.splitlines()} == {"a"}
    assert err.count("\n") == 1 and "bad.txt" in err and message in err.lower()


def test_missing_file_and_empty_glob_exit_1(docs, capsys, tfidf_dir):  # noqa: F811
    code, out, err = run(capsys, "classify", str(docs / "none.txt"), str(docs / "*.nothing"), str(docs / "b.txt"),
                         "--model", str(tfidf_dir))
    assert code == 1 and out
    assert "none.txt: no such file" in err and "*.nothing: no file matches" in err


def test_segment_exit_codes(docs, capsys):
    code, out, _ = run(capsys, "segment", str(docs / "a.txt"))
    assert code == 0 and json.loads(out.splitlines()[0])["doc"] == "a"
    (docs / "empty.txt").write_bytes(b"")
    code, out, err = run(capsys, "segment", str(docs / "empty.txt"), str(docs / "a.txt"))
    assert code == 1 and out and "empty.txt" in err


def test_missing_and_foreign_model_exit_2(docs, capsys, tmp_path):
    code, out, err = run(capsys, "classify", str(docs / "a.txt"), "--model", str(tmp_path / "nope"))
    assert code == 2 and out == "" and "model directory not found" in err
    code, _, err = run(capsys, "classify", str(docs / "a.txt"), "--model", str(tmp_path))
    assert code == 2 and "not a claimsift model" in err


def test_usage_errors_exit_2(docs, capsys, tfidf_dir):  # noqa: F811
    with pytest.raises(SystemExit) as exc:
        main(["classify"])
    assert exc.value.code == 2
    code, _, err = run(capsys, "classify", str(docs / "a.txt"), "--model", str(tfidf_dir), "--precision", "bf16")
    assert code == 2 and "transformer models only" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.strip() == f"claimsift {claimsift.__version__}"


def test_default_model_lookup(docs, tfidf_dir, tmp_path):  # noqa: F811
    """From a folder outside any project: $CLAIMSIFT_MODEL works; without it, a hint on how to set one."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    cmd = [sys.executable, "-m", "claimsift.cli", "classify", str(docs / "a.txt")]
    ok = subprocess.run(cmd, cwd=outside, capture_output=True, text=True, env=child_env(**{MODEL_ENV: str(tfidf_dir)}))
    assert ok.returncode == 0 and '"label": "testimony"' in ok.stdout
    env = child_env()
    env.pop(MODEL_ENV, None)
    project = tmp_path / "proj"
    (project / "src" / "claimsift").mkdir(parents=True)
    (project / "dvc.yaml").write_text("stages: {}\n")
    (project / "models").mkdir()
    (project / "models" / "transformer").symlink_to(tfidf_dir)  # any trained model dir will do
    inside = subprocess.run(cmd, cwd=project / "src", capture_output=True, text=True, env=env)
    assert inside.returncode == 0, inside.stderr
    bare = project / "models" / "transformer"
    bare.unlink()
    missing = subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env)
    assert missing.returncode == 2 and "--model DIR" in missing.stderr and MODEL_ENV in missing.stderr
