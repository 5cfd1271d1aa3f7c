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
    assert page_reason(ARTICLE[2], None, 0.5, model, pull=True) == "pull_quote"
    assert page_reason(ARTICLE[2], None, 0.99, model, pull=True) is None  # the model is sure: article text
    assert page_reason("Regional news", "heading", 0.0, model) == "heading"


@pytest.mark.parametrize("prompt", [
    "Get the morning briefing delivered straight to your inbox every weekday.",
    "Sign up for our weekly climate newsletter and never miss a story.",
    "Like this article? Send it to a colleague.",
    "Tell us what you think about the new design of our pages.",
    "Enter your email address to get alerts on this topic.",
    "Alerts arrive twice a week, and you can unsubscribe at any time.",
])
def test_subscription_prompts_are_promo_even_where_the_model_is_sure(prompt):
    model = pagetext.load_model("html")
    assert page_reason(prompt, None, 0.99, model) == "promo"


@pytest.mark.parametrize("sentence", [
    "The agency said parcels were delivered to the wrong address in 40 cases last month.",
    "Residents who signed up for the buyout programme will be paid by the end of the year.",
    "The union told members what it thinks of the offer in a letter on Friday.",
])
def test_article_sentences_near_prompt_words_stay_body(sentence):
    model = pagetext.load_model("html")
    assert page_reason(sentence, None, 0.99, model) is None


JA_SENTENCE = "先日、川の水位が上がり、町の人々は朝早くから学校の体育館へ避難しました。"


def test_cjk_sentences_read_as_prose_not_headings():
    assert pagetext._nwords(JA_SENTENCE) >= 10 and pagetext._nwords("ブログ") <= 4
    f = unit_features(["ブログ", JA_SENTENCE], ["heading", "heading"])
    assert f[1]["term"] == 1.0 and "r=heading" not in f[1] and f[0]["r=heading"] == 1.0
    model = pagetext.load_model("text")
    assert page_reason(JA_SENTENCE, "heading", 0.99, model) is None   # body, not a subheading


@pytest.mark.parametrize("line", ["Jane Doe on March 3, 2021 at 4:12 pm said:", "Leave a Reply", "12 Comments",
                                  "Comments powered by Talkbox", "You must be logged in to post a comment."])
def test_comment_section_lines_are_cued(line):
    units = [*ARTICLE, line, "Thanks for the update, I was wondering about the buses too."]
    assert unit_features(units, [None] * len(units))[len(ARTICLE)].get("c_comment") == 1.0


def test_article_sentences_are_not_comment_cues():
    assert not any("c_comment" in f for f in unit_features(ARTICLE, [None] * len(ARTICLE)))


TEASERS = [
    "Storm Knocks Out Power To Thousands Across Valley Towns Crews worked through the night to restore lines.",
    "City Council Delays Vote On New Bus Routes Again Members asked for two more weeks to hear from riders.",
]


def test_teasers_run_a_title_case_headline_into_their_summary():
    units = [*ARTICLE, "More local news", *TEASERS, "City Council Delays Vote On New Bus Routes Again"]
    f = unit_features(units, [None] * len(units))
    assert f[len(ARTICLE) + 1]["lead_caps"] >= 0.8 and f[len(ARTICLE) + 2]["lead_caps"] >= 0.8
    assert all(f[i]["lead_caps"] < 0.5 for i in range(len(ARTICLE)))
    assert f[len(ARTICLE) + 2].get("starts_other") == 1.0   # its headline is also a line of its own
    assert "starts_other" not in f[len(ARTICLE) + 1]


def test_a_list_a_sentence_introduces_belongs_to_the_core():
    dates = ["March 3 -- Town Hall, Riverside", "March 5 -- Grange Hall, Millbrook", "March 9 -- Old Mill Theatre, Eastport",
             "March 12 -- Harbour Stage, Westport"]
    units = ["Home", "News", "Sport", *ARTICLE, "The choir will sing at these halls on its spring tour:", *dates, "Share", "Tweet",
             "Most read", "Contact us"]
    feats = unit_features(units, [None] * len(units))
    k = 3 + len(ARTICLE)
    assert feats[k]["run=head"] == 1.0
    assert all(feats[k + 1 + j]["run=item"] == 1.0 and feats[k + 1 + j]["in_core"] == 1.0 for j in range(len(dates)))
    assert "run=item" not in feats[-1] and "in_core" not in feats[-1] or feats[-1]["in_core"] == 0.0


def test_numbered_items_form_a_list():
    units = [*ARTICLE, "1) A kite from 1985\nshop.example/a1", "2) A board game about trains", "3) A tin robot, boxed",
             "Leave a Reply"]
    feats = unit_features(units, [None] * len(units))
    assert [feats[len(ARTICLE) + j].get("run=item") for j in range(3)] == [1.0, 1.0, 1.0]
    assert "run=item" not in feats[-1]


def test_repeating_teaser_pattern_is_periodic_and_paragraphs_are_not():
    block = []
    for n in range(4):
        block += [f"Headline number {n} about the valley", "Jane Roe", "November 19, 2019",
                  f"Summary {n}: the council met on Tuesday and agreed to look again at the plan for the valley."]
    units = [*ARTICLE, *ARTICLE, *block]
    feats = unit_features(units, [None] * len(units))
    assert all("periodic" not in f for f in feats[:len(ARTICLE)])
    assert all(f.get("periodic") == 1.0 for f in feats[2 * len(ARTICLE) + 4:-4])
    assert feats[2 * len(ARTICLE) + 7]["dates6"] > feats[2]["dates6"]


def test_page_end_cues_accumulate_after_the_core_starts():
    units = [*ARTICLE, "Related stories", "Tags: floods, weather", "Leave a Reply", "A reader wrote this."]
    feats = unit_features(units, [None] * len(units))
    assert feats[1]["end_cues"] == 0.0 and feats[-1]["end_cues"] > feats[len(ARTICLE) + 1]["end_cues"] > 0.0


def test_the_core_may_have_its_own_threshold():
    model = pagetext.PageModel("text", {}, 0.0, threshold=0.3, override=2.0, core_threshold=0.05)
    line = "Get it at the corner shop for $5"
    assert page_reason(line, None, 0.1, model, in_core=True) is None
    assert page_reason(line, None, 0.1, model, in_core=False) == "nav"


def test_a_sure_model_outvotes_a_rule_from_the_override_score_up():
    model = pagetext.PageModel("text", {}, 0.0, threshold=0.25, override=0.5)
    item = "3) A volunteer rescue team from the valley, with its boats and pumps"
    assert page_reason(item, "link_list", 0.4, model) == "link_list"   # above the threshold, below the override
    assert page_reason(item, "link_list", 0.6, model) is None
    never = pagetext.PageModel("text", {}, 0.0, threshold=0.25, override=2.0)
    assert page_reason(item, "link_list", 0.99, never) == "link_list"
