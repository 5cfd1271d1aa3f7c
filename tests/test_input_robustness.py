"""Inputs a crawler brings in: each gets one clear line or a correct result, never a traceback,
a stall or unbounded memory (issue 8, items 5-9). Every input is built here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimsift import Classifier
from claimsift.reader import InputError, decode_bytes, read_bytes
from claimsift.segment import iter_segments, segment_document
from tests.memory import traced_peak
from tests.test_classifier import tfidf_dir  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, stdin=None, preexec_fn=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "claimsift.cli", *args], capture_output=stdin is not None or True,
                          input=stdin, env=env, cwd=ROOT, timeout=120, preexec_fn=preexec_fn)


def one_error_line(res: subprocess.CompletedProcess, fragment: str) -> None:
    """A refused input: exit code 1 (the documented code for a refused input) and one stderr line."""
    err = res.stderr.decode()
    assert res.returncode == 1, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("claimsift: refused:") and fragment in err, err


# --- 5. linear time, bounded memory ------------------------------------------------------------

def test_streaming_segments_of_many_short_lines_keeps_memory_flat():
    text = "Short heading line\n" * 50_000  # 950 kB, 50,000 units and segments
    def consume():
        n = 0
        for _ in iter_segments(text, "d"):
            n += 1
        assert n == 50_000
    # the old list-building pass held every line, unit and segment: about 60 MB here
    assert traced_peak(consume) < 8_000_000


def test_a_quotation_left_open_keeps_memory_small():
    # One opening mark never closed: every later segment of the line waits for the quotation's
    # attribution. They wait as two integers each (a list of seven fields took about 20 MB here).
    text = "“" + "A b. " * 100_000

    def consume():
        quoted = [s.in_quote for s in iter_segments(text, "d")]
        assert len(quoted) == 100_000 and quoted[0] is False and all(quoted[1:])
    assert traced_peak(consume) < 10_000_000


def test_quotation_dense_text_does_not_stall(tmp_path):
    # A stall guard, not a speed test (speed is in bench/segmentation.py): 2 MB of `"x ` took
    # 31.5 s of CPU with the quadratic attribution slicing and takes about 1 s now, so a
    # 20 s CPU limit leaves a wide margin either way.
    import resource

    path = tmp_path / "quotes.txt"
    path.write_text('"x ' * 666_667, encoding="utf-8")

    def limit():
        resource.setrlimit(resource.RLIMIT_CPU, (20, 20))

    res = cli("segment", str(path), preexec_fn=limit)
    assert res.returncode == 0, res.stderr.decode()[-300:]
    assert len(res.stdout.splitlines()) == 1


def test_iter_segments_equals_segment_document_on_the_corpus():
    for path in sorted((ROOT / "data/raw").glob("*.txt"))[:40]:
        text = path.read_text(encoding="utf-8")
        assert list(iter_segments(text, path.stem)) == segment_document(text, path.stem)


# --- 6. tracebacks instead of one line ----------------------------------------------------------

def test_jsonl_lone_surrogate_is_one_line(tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": "a", "text": "ok."}\n{"id": "b", "text": "bad \\ud800 text."}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"b.jsonl:2: \"text\" at character 4 holds a lone surrogate"):
        read_bytes(batch.read_bytes(), str(batch))
    one_error_line(cli("segment", str(batch)), "lone surrogate")


def test_jsonl_nested_100000_deep_is_one_line(tmp_path):
    batch = tmp_path / "deep.jsonl"
    batch.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="deep.jsonl:1: JSON nested too deeply"):
        read_bytes(batch.read_bytes(), str(batch))
    one_error_line(cli("segment", str(batch)), "nested too deeply")


def test_closed_stdin_is_one_line():
    res = cli("segment", "-", preexec_fn=lambda: os.close(0))
    one_error_line(res, "stdin: standard input is closed")


# The HTTP side of case 6 (a lone surrogate, a 50,000-deep JSON value: a JSON 4xx, never a closed
# connection) is tested against the FastAPI service in tests/test_service.py
# (test_bad_requests_get_json_4xx).


# --- 7. a few invalid bytes in ASCII text -------------------------------------------------------

ASCII = b"Police arrested 31 people outside the ministry on Tuesday. " * 10


def test_few_invalid_bytes_are_refused_with_their_offset(tmp_path):
    data = ASCII[:300] + b"\xff\xfe\xc3(" + ASCII[:200]
    with pytest.raises(InputError, match="first invalid byte at offset 300"):
        decode_bytes(data, "x.txt")
    damaged_utf8 = "Café déjà vu. ".encode() * 20 + b"\xe9t\xe9"  # valid UTF-8 around it
    with pytest.raises(InputError, match=f"offset {len(damaged_utf8) - 3}"):
        decode_bytes(damaged_utf8, "x.txt")
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    one_error_line(cli("segment", str(path)), "offset 300")


def test_encoding_errors_replace_is_opt_in_and_said(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(ASCII[:300] + b"\xff\xfe\xc3(" + ASCII[:200])
    res = cli("segment", str(path), "--encoding-errors", "replace")
    assert res.returncode == 0
    assert "\ufffd" in "".join(json.loads(line)["text"] for line in res.stdout.decode().splitlines())
    assert "3 invalid UTF-8 sequence(s) replaced by U+FFFD" in res.stderr.decode()


def test_real_legacy_text_still_decodes():
    text = "Le café où Zoë a reçu « la lettre » était fermé. Les élèves étaient déçus. " * 3
    assert decode_bytes(text.encode("cp1252"), "fr.txt") == text


# --- 8. deeply nested HTML ----------------------------------------------------------------------

def test_html_nested_deeper_than_libxml2_gives_its_text():
    html = ("<html><body>" + "<div>" * 400 + "<p>The court ordered the release of 12 detainees on Monday.</p>"
            + "</div>" * 400 + "</body></html>")
    [doc] = read_bytes(html.encode(), "deep.html")
    assert doc.text == "The court ordered the release of 12 detainees on Monday."


# --- 9. classify a huge document in bounded batches --------------------------------------------

def test_cli_classify_streams_in_bounded_batches(tmp_path, tfidf_dir, monkeypatch):  # noqa: F811
    from claimsift import cli as cli_module

    path = tmp_path / "lines.txt"
    path.write_text("Police arrested 31 people outside the ministry.\n" * 20_000, encoding="utf-8")
    out = tmp_path / "out.jsonl"

    def run():
        with open(out, "w", encoding="utf-8") as fh:
            monkeypatch.setattr(sys, "stdout", fh)
            assert cli_module.main(["classify", str(path), "--model", str(tfidf_dir)]) == 0
        monkeypatch.undo()

    Classifier.load(tfidf_dir)  # imports and caches outside the measurement
    peak = traced_peak(run)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["index"] for r in records] == list(range(20_000))
    # a document over cli.STREAM_CHARS is classified by Classifier.iter_classify, a window of
    # DEFAULT_WINDOW sentences at a time: about 11 MB here, flat with the length (the same at
    # 30,000 lines); as one list of records (classify_many) it took 25 MB, 35 MB at 30,000
    assert peak < 15_000_000, peak


def test_cli_streams_long_documents_in_order_among_short_ones(tmp_path, tfidf_dir, monkeypatch, capsys):  # noqa: F811
    from claimsift import cli as cli_module

    flagship = (ROOT / "data/raw/000_d102734279138d1d.txt").read_text(encoding="utf-8")
    texts = {"a": "Police arrested 31 people.", "long1": flagship, "b": "“I saw it,” she said. It was late.",
             "c": "The ruling is a disgrace.", "long2": flagship[:4000], "d": "Officials said 12 were hurt."}
    paths = []
    for name, text in texts.items():
        paths.append(tmp_path / f"{name}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    monkeypatch.setattr(cli_module, "STREAM_CHARS", 1_000)  # the two long ones are streamed
    clf = Classifier.load(tfidf_dir)
    listed = {name: [r.to_dict() for r in clf.classify(text, name)] for name, text in texts.items()}

    assert cli_module.main(["classify", *map(str, paths), "--model", str(tfidf_dir), "--with-text"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # written record by record for a streamed document, yet exactly json.dumps of the whole object
    assert lines == [json.dumps({"doc": name, "format": "text", "text": text, "segments": listed[name]},
                                ensure_ascii=False) for name, text in texts.items()]

    assert cli_module.main(["classify", *map(str, paths), "--model", str(tfidf_dir)]) == 0
    assert capsys.readouterr().out.splitlines() == [json.dumps(r, ensure_ascii=False)
                                                    for name in texts for r in listed[name]]

    assert cli_module.main(["classify", *map(str, paths), "--model", str(tfidf_dir), "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert sum(len(v) for v in listed.values()) + 2 == len([ln for ln in table.splitlines() if not ln.startswith(" ")])


def test_one_huge_sentence_is_cut_for_the_model(tmp_path, tfidf_dir):  # noqa: F811
    # One 2 MB unpunctuated line is one body "sentence": TF-IDF's character n-grams of all of it
    # took about 540 MB (2.7 GB at 10 MB). The model sees its first MAX_MODEL_CHARS characters.
    from claimsift.features import MAX_MODEL_CHARS

    text = "the police arrested protesters outside the ministry and said nothing " * 30_000
    clf = Classifier.load(tfidf_dir)
    cut = clf.classify(text[:MAX_MODEL_CHARS] + ".")
    records = []
    peak = traced_peak(lambda: records.extend(clf.classify(text)))
    assert len(records) == 1 and records[0].text == text.strip()  # the record keeps the whole text
    assert records[0].scores == cut[0].scores
    assert peak < 150_000_000, peak
