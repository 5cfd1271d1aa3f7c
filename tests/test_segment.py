"""Tests for claimsift.segment: boundaries, non-body flags, quotation context, invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimsift.segment import Segment, segment_document

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "data" / "raw" / "000_d102734279138d1d.txt"
CASES = ROOT / "data" / "segmentation" / "news_cases.jsonl"


def texts(text: str) -> list[str]:
    return [s.text for s in segment_document(text)]


def check_invariants(text: str, segs: list[Segment]) -> None:
    pos = 0
    for i, s in enumerate(segs):
        assert s.index == i
        assert pos <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip()
        assert not text[pos:s.start].strip(), "non-whitespace text left outside every segment"
        assert s.body == (s.reason is None)
        pos = s.end
    assert not text[pos:].strip()


@pytest.mark.parametrize("text,expected", [
    ("The U.S. Treasury acted on Tuesday. The measures freeze assets.",
     ["The U.S. Treasury acted on Tuesday.", "The measures freeze assets."]),
    ("Sen. Ana Ruiz spoke. Rep. John Doe Jr. disagreed.", ["Sen. Ana Ruiz spoke.", "Rep. John Doe Jr. disagreed."]),
    ("It docked at Pier No. 22 for repairs. Crews worked.", ["It docked at Pier No. 22 for repairs.", "Crews worked."]),
    ("Dr. Yusuf saw 41 patients by 9 a.m. Tuesday. By noon it was full.",
     ["Dr. Yusuf saw 41 patients by 9 a.m. Tuesday.", "By noon it was full."]),
    ("The curfew begins at 10 p.m. Residents face fines.", ["The curfew begins at 10 p.m.", "Residents face fines."]),
    ("It cost $1.5 million. It was 3.2 percent more.", ["It cost $1.5 million.", "It was 3.2 percent more."]),
    ("He waited... Then the door opened.", ["He waited...", "Then the door opened."]),
    ("The law (which took effect in Jan. It was late.) bans raids. Police comply.",
     ["The law (which took effect in Jan. It was late.) bans raids.", "Police comply."]),
    ("See https://example.org/a.html. Write to news@example.com. Thanks.",
     ["See https://example.org/a.html.", "Write to news@example.com.", "Thanks."]),
    ("The minister — after a pause — left. Nobody spoke.", ["The minister — after a pause — left.", "Nobody spoke."]),
    ("“Help!” she cried. Nobody came.", ["“Help!” she cried.", "Nobody came."]),
    ("Headline without a stop\nBody sentence one. Body two.", ["Headline without a stop", "Body sentence one.", "Body two."]),
])
def test_boundaries(text, expected):
    assert texts(text) == expected


def test_crlf_and_offsets():
    text = "Title line\r\nFirst sentence. Second one.\r\n\r\nThird.\r\n"
    segs = segment_document(text, "d")
    assert [s.text for s in segs] == ["Title line", "First sentence.", "Second one.", "Third."]
    check_invariants(text, segs)
    assert segs[0].body is False and segs[0].reason == "heading"


@pytest.mark.parametrize("line,reason", [
    ("By Jane Doe and Ali Hassan", "byline"),
    ("Published November 12, 2025", "dateline"),
    ("FILE - In this March 5, 2020, file photo, a man walks past the gate.", "caption"),
    ("Ad", "ad"),
    ("Advertisement", "ad"),
    ("READ: Judge blocks deportation flights", "link_list"),
    ("Follow all of AP’s coverage of immigration at https://apnews.com/hub/immigration.", "follow"),
    ("Watch: Families search for relatives", "video"),
    ("Correction: An earlier version misstated the number.", "correction"),
    ("## Key findings", "heading"),
    ("Copyright 2025 The Associated Press. All rights reserved.", "copyright"),
])
def test_non_body_lines(line, reason):
    segs = segment_document(f"The report was released on Tuesday.\n{line}\nIt runs to 80 pages.")
    assert segs[0].body and segs[-1].body
    inner = segs[1:-1]
    assert inner and all(not s.body and s.reason == reason for s in inner)


def test_dateline_prefix_is_its_own_segment():
    segs = segment_document("WASHINGTON (AP) — The Senate voted 51-49. It now goes to the House.")
    assert [(s.text, s.reason) for s in segs] == [
        ("WASHINGTON (AP) —", "dateline"), ("The Senate voted 51-49.", None), ("It now goes to the House.", None)]


def test_read_more_list_and_prose_after_it():
    text = "Prose here.\nRead more\n- First linked story\n- Second linked story\nThe report continues here."
    segs = segment_document(text)
    assert [s.reason for s in segs] == [None, "link_list", "link_list", "link_list", None]


def test_quotation_context():
    text = ("“We were hungry. Some days there was nothing. We ate grass,” said Amadou K. to reporters. "
            "The ministry denied it.")
    segs = segment_document(text)
    assert [s.in_quote for s in segs] == [False, True, True, False]
    assert [s.speaker for s in segs[:3]] == ["Amadou K."] * 3
    assert [s.cue for s in segs[:3]] == ["said"] * 3


def test_quote_reopened_in_next_paragraph():
    text = "“The first week they beat us.\n“Then they stopped the food,” the detainee said."
    segs = segment_document(text)
    assert [s.in_quote for s in segs] == [False, True]
    assert {s.speaker for s in segs} == {"the detainee"}


def test_according_to_attribution():
    seg = segment_document("According to a former detainee, guards were armed.")[0]
    assert (seg.speaker, seg.cue, seg.in_quote) == ("a former detainee", "according to", False)


@pytest.mark.skipif(not FLAGSHIP.is_file(), reason="flagship document absent")
def test_flagship_document():
    text = FLAGSHIP.read_text(encoding="utf-8")
    segs = segment_document(text, "flag")
    check_invariants(text, segs)
    tail = segs[-5:]
    assert tail[0].text == "Read more"
    assert all(not s.body and s.reason == "link_list" for s in tail)
    assert all(s.body for s in segs[:-5])
    quote = [s for s in segs if s.speaker == "Julián G."]
    assert len(quote) == 3 and quote[0].text.startswith("“Among the guards")
    assert [s.in_quote for s in quote] == [False, True, True]
    assert all(s.cue == "stated" for s in quote)


@pytest.mark.skipif(not CASES.is_file(), reason="news cases absent")
def test_news_cases_file_is_well_formed():
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(cases) >= 150
    for c in cases:
        pos = 0
        for s in c["segments"]:
            i = c["text"].find(s["text"], pos)
            assert i >= 0 and not c["text"][pos:i].strip()
            pos = i + len(s["text"])


def test_to_dict_roundtrip():
    import dataclasses

    for seg in segment_document('One. Two. "Three," she said.', "d"):  # both of _with_quotes' paths
        assert Segment(**seg.to_dict()) == seg and hash(Segment(**seg.to_dict())) == hash(seg)
        with pytest.raises(dataclasses.FrozenInstanceError):
            seg.text = "changed"  # type: ignore[misc]


def test_empty_and_whitespace():
    assert segment_document("") == []
    assert segment_document(" \n\t\r\n ") == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_property_any_string(text):
    check_invariants(text, segment_document(text))


_NEWSY = st.lists(st.sampled_from([
    "Dr.", "U.S.", "a.m.", "No.", "22", "$1.5", "“", "”", "\"", "'", "(", ")", "...", "…", ". . .", "—", "-",
    "said", "Julián", "G.", "The", "report", ".", "!", "?", " ", "  ", "\n", "\r\n", "\n\n", "Read more", "- ",
    "By", "WASHINGTON (AP) —", "FILE -", "Ad", "1.", "a.", "•", "http://x.org/a.b", "e@x.com", ",", ":",
]), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(_NEWSY)
def test_property_newsy_strings(text):
    check_invariants(text, segment_document(text))


_OPTIONAL_TEXT = st.none() | st.text(max_size=30)


@settings(max_examples=300, deadline=None)
@given(doc=st.text(max_size=20), index=st.integers(0, 10**7), start=st.integers(0, 10**7), length=st.integers(1, 500),
       text=st.text(min_size=1, max_size=200), body=st.booleans(), reason=_OPTIONAL_TEXT, in_quote=st.booleans(),
       speaker=_OPTIONAL_TEXT, cue=_OPTIONAL_TEXT)
def test_to_json_is_json_dumps_of_to_dict(doc, index, start, length, text, body, reason, in_quote, speaker, cue):
    # any character: quotes, backslashes, control characters, non-ASCII, line separators
    seg = Segment(doc, index, start, start + length, text, body, reason, in_quote, speaker, cue)
    assert seg.to_json() == json.dumps(seg.to_dict(), ensure_ascii=False)
    assert json.loads(seg.to_json()) == seg.to_dict()


def test_to_json_of_every_segment_of_the_flagship():
    for seg in segment_document(FLAGSHIP.read_text(encoding="utf-8"), "flag"):
        assert seg.to_json() == json.dumps(seg.to_dict(), ensure_ascii=False)


_MARKERISH = st.text(st.sampled_from("1234567890aAbzivxIVX()[].•-–* \t\n\u00a0"), max_size=18)


@settings(max_examples=500, deadline=None)
@given(_MARKERISH, _MARKERISH)
def test_list_marker_span_is_the_stripped_marker_pattern(before, window):
    # _decide tests the sentence so far in place (no slice, no strip); it must agree with the
    # pattern applied to the stripped slice, as it was written first
    from claimsift.segment import _LIST_MARKER_ONLY, _LIST_MARKER_SPAN

    text = before + window + "x"
    a, b = len(before), len(before) + len(window)
    assert bool(_LIST_MARKER_SPAN.match(text, a, b)) == bool(_LIST_MARKER_ONLY.match(text[a:b].strip()))
