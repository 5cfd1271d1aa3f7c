import json

import pytest

from claimsift.authoring import AuthoringError, import_sources, main, parse_source

META = json.dumps({"id": "d1", "genre": "wire_news", "topic": "t", "country": "c", "written_for_project": True})


def test_parse_strips_tags_and_keeps_offsets():
    doc = parse_source(META + "\nTitle\n<f>Police came.</f> <t> I saw it. </t>\n")
    assert doc.text == "Title\nPolice came.  I saw it. \n"
    assert [(doc.text[s:e], lab) for s, e, lab in doc.spans] == [("Police came.", "finding"), ("I saw it.", "testimony")]


@pytest.mark.parametrize(
    "body, message",
    [
        ("<f>open", "never closed"),
        ("<f>a <t>b</t></f>", "opened inside"),
        ("a</f>", "closes nothing"),
        ("<a></a>", "empty"),
    ],
)
def test_parse_errors_name_line(body, message):
    with pytest.raises(AuthoringError, match=message):
        parse_source(META + "\n" + body, "x.txt")


def test_metadata_required():
    with pytest.raises(AuthoringError, match="x.txt:1: metadata lacks"):
        parse_source('{"id": "d1"}\n<f>a</f>', "x.txt")
    with pytest.raises(AuthoringError, match="first line must be a JSON"):
        parse_source("no json\n<f>a</f>", "x.txt")


def test_import_refuses_to_change_raw_text(tmp_path):
    src = tmp_path / "s.txt"
    src.write_text(META + "\n<f>Police came.</f>\n", encoding="utf-8")
    raw, ann, meta = tmp_path / "raw", tmp_path / "ann", tmp_path / "docs.jsonl"
    assert import_sources([src], raw, ann, meta) == ["d1"]
    assert (raw / "d1.txt").read_text(encoding="utf-8") == "Police came.\n"
    assert json.loads((ann / "d1.jsonl").read_text()) == {"doc": "d1", "start": 0, "end": 12, "label": "finding"}
    src.write_text(META + "\n<f>Police left.</f>\n", encoding="utf-8")
    with pytest.raises(AuthoringError, match="immutable"):
        import_sources([src], raw, ann, meta)
    assert (raw / "d1.txt").read_text(encoding="utf-8") == "Police came.\n"


def test_cli_check_exit_codes(tmp_path, capsys):
    good, bad = tmp_path / "g.txt", tmp_path / "b.txt"
    good.write_text(META + "\n<a>Shame.</a>", encoding="utf-8")
    bad.write_bytes(b"\xff\xfe\x00")
    assert main(["check", str(good)]) == 0
    assert main(["check", str(bad)]) == 2
    assert "error" in capsys.readouterr().err
