import json
from types import SimpleNamespace as Seg

import pytest

from claimsift.annotations import AnnotationError, Span, align_spans, load_spans


def write(tmp_path, lines):
    p = tmp_path / "d.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_load_valid(tmp_path):
    p = write(tmp_path, [json.dumps({"doc": "d", "start": 0, "end": 5, "label": "finding"}), ""])
    assert load_spans(p) == [Span("d", 0, 5, "finding", f"{p}:1")]


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "invalid JSON"),
        ('["a"]', "expected a JSON object"),
        ('{"doc": "d", "start": 0, "end": 5}', "field 'label'"),
        ('{"doc": "d", "start": "0", "end": 5, "label": "finding"}', "field 'start'"),
        ('{"doc": "d", "start": 5, "end": 5, "label": "finding"}', "bad span"),
        ('{"doc": "d", "start": 0, "end": 5, "label": "opinion"}', "unknown label 'opinion'"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, line, message):
    ok = json.dumps({"doc": "d", "start": 100, "end": 105, "label": "finding"})
    p = write(tmp_path, [ok, line])
    with pytest.raises(AnnotationError, match=rf"d\.jsonl:2: .*{message}"):
        load_spans(p)


def test_overlap_and_bounds(tmp_path):
    a = json.dumps({"doc": "d", "start": 0, "end": 10, "label": "finding"})
    b = json.dumps({"doc": "d", "start": 5, "end": 12, "label": "argument"})
    with pytest.raises(AnnotationError, match=r"d\.jsonl:2: span overlaps the span at .*:1"):
        load_spans(write(tmp_path, [a, b]))
    with pytest.raises(AnnotationError, match="beyond document length"):
        load_spans(write(tmp_path, [a]), text_length=8)


def test_align_by_majority_overlap():
    segs = [Seg(start=0, end=10, body=False), Seg(start=11, end=30, body=True), Seg(start=31, end=50, body=True)]
    spans = [Span("d", 11, 20, "testimony"), Span("d", 20, 30, "argument"), Span("d", 31, 50, "finding")]
    # segment 1: 9 chars testimony vs 10 chars argument -> argument
    assert align_spans(segs, spans) == [None, "argument", "finding"]


def test_align_unmatched_span_fails():
    segs = [Seg(start=0, end=10, body=False), Seg(start=11, end=30, body=True)]
    with pytest.raises(AnnotationError, match="x:3: .*matches no body sentence"):
        align_spans(segs, [Span("d", 0, 10, "finding", "x:3")])


def test_unlabelled_body_segment_is_none():
    segs = [Seg(start=0, end=10, body=True), Seg(start=11, end=30, body=True)]
    assert align_spans(segs, [Span("d", 0, 10, "finding")]) == ["finding", None]
