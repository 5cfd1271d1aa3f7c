"""The label stage refuses annotations that slip through span-by-span checks (issue 8, item 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimsift.annotations import AnnotationError
from claimsift.stages.label import label_corpus
from claimsift.stages.split import split_corpus

PARAMS = {"seed": 1, "dev_fraction": 0.2, "test_fraction": 0.2, "test_docs": ["doc_00"], "leak_threshold": 0.9,
          "raw_dir": "data/raw", "min_labelled_share": 0.5}


def run_label(root: Path, **overrides):
    split_corpus(root / "data/raw", root / "data/segments/segments.jsonl")
    params = {**PARAMS, "raw_dir": str(root / "data/raw"), **overrides}
    return label_corpus(root / "data/segments/segments.jsonl", root / "data/annotations", root / "data/documents.jsonl", params)


def spans_of(root: Path, doc: str) -> list[dict]:
    return [json.loads(line) for line in (root / f"data/annotations/{doc}.jsonl").read_text().splitlines()]


def write_spans(root: Path, doc: str, spans: list[dict]) -> None:
    (root / f"data/annotations/{doc}.jsonl").write_text("".join(json.dumps(s) + "\n" for s in spans))


def test_intact_corpus_passes_and_reports_per_document_counts(tiny_corpus):
    _, report = run_label(tiny_corpus)
    doc = report["per_document"]["doc_00"]
    assert doc == {"finding": doc["finding"], "testimony": doc["testimony"], "argument": doc["argument"],
                   "unlabelled": 0, "labelled_share": 1.0}
    assert sum(doc[label] for label in ("finding", "testimony", "argument")) == 4


def test_span_end_beyond_the_document_fails(tiny_corpus):
    spans = spans_of(tiny_corpus, "doc_03")
    length = len((tiny_corpus / "data/raw/doc_03.txt").read_text(encoding="utf-8"))
    spans[-1]["end"] = length + 40  # the last line: it still overlaps the last sentence
    write_spans(tiny_corpus, "doc_03", spans)
    with pytest.raises(AnnotationError, match=rf"doc_03.jsonl:4: span end {length + 40} beyond document length {length}"):
        run_label(tiny_corpus)


def test_emptied_annotation_file_fails(tiny_corpus):
    (tiny_corpus / "data/annotations/doc_05.jsonl").write_text("")
    with pytest.raises(AnnotationError, match="doc_05.jsonl: annotation file of document doc_05 is empty"):
        run_label(tiny_corpus)


def test_listed_document_without_annotation_file_fails(tiny_corpus):
    with (tiny_corpus / "data/documents.jsonl").open("a") as fh:
        fh.write(json.dumps({"id": "doc_99", "genre": "oped"}) + "\n")
    with pytest.raises(AnnotationError, match="doc_99.jsonl: no annotations for document doc_99"):
        run_label(tiny_corpus)


def test_deleted_line_shows_in_the_report_and_fails_below_the_threshold(tiny_corpus):
    write_spans(tiny_corpus, "doc_04", spans_of(tiny_corpus, "doc_04")[1:])
    _, report = run_label(tiny_corpus)
    assert report["per_document"]["doc_04"]["unlabelled"] == 1
    assert report["per_document"]["doc_04"]["labelled_share"] == 0.75
    with pytest.raises(AnnotationError, match="doc_04: only 75% of its body sentences are labelled"):
        run_label(tiny_corpus, min_labelled_share=0.8)


def test_source_markup_makes_an_untagged_segment_non_body_and_refuses_a_labelled_one():
    from claimsift.stages.label import apply_markup

    rec = {"doc": "d", "index": 3, "start": 10, "end": 20, "body": True, "reason": None, "label": None}
    assert apply_markup(rec, [[10, 20, "caption"]]) == {**rec, "body": False, "reason": "caption"}
    assert apply_markup(rec, [[0, 15, "caption"]]) == rec  # only wholly inside a marked line
    with pytest.raises(AnnotationError, match="caption in the source's markup but labelled 'finding'"):
        apply_markup({**rec, "label": "finding"}, [[0, 30, "caption"]])
