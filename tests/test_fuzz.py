"""Property-based fuzzing of reader + segmenter + classifier with hypothesis.

Random bytes, random Unicode and random JSONL go through ``read_bytes`` and, when accepted,
through ``iter_segments`` and a TF-IDF ``Classifier``. Properties: the only exception is a
one-line ``InputError``; segments index the text exactly, are stripped, in order, never
overlap, and cover every non-whitespace character; ``iter_segments`` equals
``segment_document``; every body segment gets a label and scores summing to 1.

Bounded for ``make test`` (a few seconds); ``CLAIMSIFT_FUZZ_EXAMPLES=100000`` runs longer.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimsift import Classifier
from claimsift.labels import LABELS
from claimsift.reader import InputError, read_bytes
from claimsift.segment import iter_segments, segment_document
from tests.test_classifier import tfidf_dir  # noqa: F401  (fixture)

EXAMPLES = int(os.environ.get("CLAIMSIFT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="CLAIMSIFT_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

# Text made of the pieces the segmenter reacts to, so random draws reach its rules.
PIECES = ['"', "“", "”", "«", "»", "‘", "’", "'", ". ", "! ", "? ", "... ", ". . . ", "…", "\n", "\n\n", "\r\n",
          "(", ")", "[", "]", " ", "\t", "\u00a0", "A. ", "Dr. ", "U.S. ", "No. 5", "e.g. ", "3.5", "a.m. ",
          "said ", "according to ", "told reporters ", "He said: ", "By Jane Roe", "READ MORE:", "Advertisement",
          "# Heading", "- item", "1. ", "• ", "http://x.y/z", "WASHINGTON (AP) — ", "Photo: AP", "İ", "ß", "é",
          "the", "Police", "arrested", "31", "people", "x", ",", ";", ":", "—", "\u2028", "\x0c"]
texty = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=80).map("".join)
unicode_text = st.text(max_size=400) | texty


def check_segments(text: str, segments) -> None:
    pos = 0
    covered = []
    for i, s in enumerate(segments):
        assert s.index == i
        assert pos <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text and s.text == s.text.strip()
        assert not text[pos:s.start].strip()  # only whitespace between segments
        assert (s.reason is None) == s.body
        covered.append(s.text)
        pos = s.end
    assert not text[pos:].strip()
    assert "".join("".join(covered).split()) == "".join(text.split())


def check_pipeline(data: bytes, name: str, classifier: Classifier | None = None) -> None:
    try:
        docs = read_bytes(data, name)
    except InputError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg
        return
    for doc in docs:
        segments = list(iter_segments(doc.text, doc.doc_id))
        check_segments(doc.text, segments)
        assert segments == segment_document(doc.text, doc.doc_id)
        if classifier is not None:
            records = classifier.classify_segments(segments)
            for r in records:
                if r.body:
                    assert r.label in LABELS and abs(sum(r.scores.values()) - 1) < 1e-3
                else:
                    assert r.label is None and r.scores is None
            json.dumps([r.to_dict() for r in records], ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module")
def classifier(tfidf_dir):  # noqa: F811
    return Classifier.load(tfidf_dir)


@FUZZ
@given(data=st.binary(max_size=600), name=st.sampled_from(["x.txt", "x.md", "x.html", "x.jsonl", "-"]))
def test_random_bytes(data, name):
    check_pipeline(data, name)


@FUZZ
@given(text=unicode_text, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
def test_random_unicode(text, encoding, classifier):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", errors="surrogatepass")
    check_pipeline(data, "x.txt", classifier)


json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | unicode_text,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                          max_leaves=6)
record = st.fixed_dictionaries({}, optional={"id": st.text(max_size=6) | st.integers(), "text": unicode_text | json_value,
                                             "format": st.sampled_from(["text", "markdown", "html", "pdf"])})
line = st.one_of(record.map(json.dumps), json_value.map(json.dumps), st.text(max_size=30),
                 unicode_text.map(lambda t: json.dumps({"id": "a", "text": t + "\ud800"})))


@FUZZ
@given(lines=st.lists(line, max_size=6))
def test_random_jsonl(lines, classifier):
    check_pipeline("\n".join(lines).encode("utf-8", errors="surrogatepass"), "batch.jsonl", classifier)
