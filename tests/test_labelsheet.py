import pytest

from claimsift.annotations import AnnotationError
from claimsift.labelsheet import answers_to_spans, main, make_sheet, read_answers
from claimsift.segment import segment_document

TEXT = "Flood hits town\nThe river rose two metres on Monday. \"I lost everything,\" said Ana.\nWhat now?\n"


def test_sheet_lists_body_sentences_and_marks_non_body():
    sheet = make_sheet(TEXT, "d")
    assert "[NON-BODY heading]\tFlood hits town" in sheet
    assert "1\tThe river rose two metres on Monday." in sheet


def test_answers_become_spans_over_the_raw_text(tmp_path):
    segs = segment_document(TEXT, "d")
    body = [s.index for s in segs if s.body]
    tsv = tmp_path / "d.tsv"
    tsv.write_text("\n".join(f"{i}\t{lab}" for i, lab in zip(body, ["finding", "testimony", "none"])) + "\n")
    spans = answers_to_spans(segs, read_answers(tsv), str(tsv))
    assert [TEXT[s["start"]:s["end"]] for s in spans] == ["The river rose two metres on Monday.", "\"I lost everything,\" said Ana."]
    assert [s["label"] for s in spans] == ["finding", "testimony"]  # "none" stays untagged


def test_bad_answers_name_file_and_line(tmp_path):
    tsv = tmp_path / "d.tsv"
    tsv.write_text("1\tfinding\n2\topinion\n")
    with pytest.raises(AnnotationError, match=r"d.tsv:2: unknown label 'opinion'"):
        read_answers(tsv)
    tsv.write_text("1\tfinding\n")
    with pytest.raises(AnnotationError, match="unanswered body sentences"):
        answers_to_spans(segment_document(TEXT, "d"), read_answers(tsv), "d.tsv")


def test_import_refuses_to_overwrite(tmp_path):
    (tmp_path / "raw").mkdir(); (tmp_path / "ans").mkdir(); (tmp_path / "out").mkdir()
    (tmp_path / "raw/d.txt").write_text(TEXT)
    body = [s.index for s in segment_document(TEXT, "d") if s.body]
    (tmp_path / "ans/d.tsv").write_text("".join(f"{i}\tfinding\n" for i in body))
    args = ["import", str(tmp_path / "ans"), "--raw-dir", str(tmp_path / "raw"), "--out", str(tmp_path / "out")]
    assert main(args) == 0 and (tmp_path / "out/d.jsonl").read_text().count("\n") == len(body)
    assert main(args) == 2
