"""Tests for claimsift.pagetext: page detection, features, the shipped models and page reasons.

Every example text here was written for these tests.
"""

from __future__ import annotations

import json

import pytest

from claimsift import pagetext
from claimsift.pagetext import LineHints, looks_like_page, page_reason, unit_features

ARTICLE = [
    "Flood waters rose across the river valley on Tuesday, forcing hundreds of families to leave their homes before dawn.",
    "Emergency crews moved 340 residents to the school gym, the county said in a statement, and more buses were on the way.",
    "“The water came faster than anyone expected,” said a farmer who lost most of his barley harvest to the storm.",
    "Forecasters expect the rain to ease by Thursday, though the river is likely to stay above flood stage for days.",
]


def test_article_is_not_a_page():
    assert not looks_like_page(["Flood waters rise", *ARTICLE, "Background", *ARTICLE])


def test_menu_lines_make_a_page():
    menu = ["Home", "World", "Politics", "Business", "Sport", "Culture", "Travel", "Video", "Podcasts", "Weather",
            "Share", "Tweet", "Email", "Print", "Most read", "Contact us"]
    assert looks_like_page(menu + ARTICLE)


def test_features_see_context_and_repeats():
    units = ["Home", "News", *ARTICLE, "The water came faster than anyone expected"]
    feats = unit_features(units, [None] * len(units))
    assert feats[0]["short"] == 1.0 and "in_core" in feats[0]
    assert feats[3]["in_core"] == 1.0 and feats[3]["term"] == 1.0
    assert feats[-1].get("pull") == 1.0   # repeats a sentence of a body paragraph


def test_html_hints_become_features():
    h = LineHints(found=True, precise=False, tag="figcaption", link_density=0.5, tokens=frozenset({"caption"}),
                  in_tags=frozenset({"figure"}))
    f = unit_features(["A crowd gathers outside the court. Photo: Jane Roe"], [None], [h])[0]
    assert f["h_tag=figcaption"] == 1.0 and f["h_cls=caption"] == 1.0 and f["h_in=figure"] == 1.0 and f["h_lost"] == 1.0


@pytest.mark.parametrize("kind", ["text", "html"])
def test_shipped_models_are_plain_json(kind):
    path = pagetext._HERE / f"page_lines_{kind}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["kind"] == kind and "tuning half" in data["trained_on"] and data["weights"] and data["weights2"]
    model = pagetext.load_model(kind)
    assert 0.0 < model.threshold < 1.0


@pytest.mark.parametrize("text,reason", [
    ("We use cookies to improve your experience. By continuing you accept our privacy policy.", "cookie"),
    ("— Maria Lopez (@mlopez_news) March 3, 2024", "embed"),
    ("Additional reporting by Tom Baker in Leeds.", "byline"),
    ("Jane Roe is a senior reporter who covers courts and policing for the paper.", "bio"),
    ("Firefighters at the scene of the blaze on Sunday. (Photo: City Fire Department)", "caption"),
    ("More on this story", "link_list"),
    ("Share on Facebook", "ui"),
    ("Get our weekly newsletter in your inbox", "promo"),
    ("Watch: rescue at the river", "video"),
    ("Sections", "nav"),
])
def test_page_reason_from_text_cues(text, reason):
    model = pagetext.load_model("text")
    assert page_reason(text, None, 0.0, model) == reason


def test_page_reason_keeps_article_and_names_subheadings():
    model = pagetext.load_model("text")
    assert page_reason(ARTICLE[0], None, 0.99, model) is None
    assert page_reason("What happens next", "heading", 0.99, model) == "subheading"
    assert page_reason(ARTICLE[2], None, 0.99, model, pull=True) == "pull_quote"
    assert page_reason("Regional news", "heading", 0.0, model) == "heading"
