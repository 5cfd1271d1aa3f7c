import re

from claimsift.palette import TINTS
from claimsift.report import ReportInputs, main, render
from tests.report_inputs import AGREEMENT, SEED_TEXT, metrics, predictions, seed_segments


def make_html(**kw) -> str:
    return render(ReportInputs(metrics=metrics(), predictions=predictions(), seed_text=SEED_TEXT,
                               seed_segments=seed_segments(), agreement=AGREEMENT,
                               run={"sha256": {"params.yaml": "ab" * 32}, "versions": {"dvc": "3"}},
                               links={"datasheet": "../docs/datasheet.md"}, **kw))


def test_report_is_self_contained_and_deterministic():
    html = make_html()
    assert html == make_html()
    # The only scripts are inline: the reader page's renderer and its data, for the seed article.
    assert "<script src" not in html and "<link" not in html
    assert html.count("<script") == 3 and 'id="seed-article-data"' in html
    # Nothing is loaded from anywhere: every src is a data URI (the schema URL is inside them).
    assert all(src.startswith("data:image/svg+xml;base64,") for src in re.findall(r'src="([^"]*)"', html))
    for section in ("headline", "per-label", "groups", "confusion", "calibration", "errors", "seed", "agreement", "run"):
        assert f'id="{section}"' in html


def test_headline_rows_carry_interval_sentences_and_documents():
    html = make_html()
    m = metrics()["transformer"]["real_test"]
    row = re.search(r"<tr><td>transformer</td><td>real test split</td>(.*?)</tr>", html).group(1)
    assert f"<b>{m['macro_f1']:.3f}</b>" in row and "0.100–0.900" in row and f"<td>{m['n']}</td><td>2</td>" in row


def test_seed_article_is_drawn_by_the_reader_renderer_with_misses_listed():
    import json

    html = make_html(reader_model="tfidf")
    section = html[html.index('<section id="seed">'):]
    start = section.index('id="seed-article-data">') + len('id="seed-article-data">')
    data = json.loads(section[start:section.index("</script>", start)])
    by_text = {r["text"]: r for r in data["segments"]}
    assert by_text["A Headline"]["label"] is None and by_text["A Headline"]["reason"] == "heading"
    assert by_text["Read more"]["label"] is None and by_text["Read more"]["reason"] == "link_list"
    # tfidf predicts testimony for the finding "Police held 31 people.": drawn as testimony, listed with its gold.
    assert by_text["Police held 31 people."]["label"] == "testimony"
    misses = section[section.index("Where gold differs"):]
    assert "Police held 31 people." in misses and "finding" in misses
    assert "<b>This is wrong.</b>" not in html  # text travels as data or escaped, never as markup
    assert "claimsiftRender.renderArticle" in section


def test_errors_list_sentence_gold_prediction_and_probability():
    html = make_html()
    section = html[html.index('id="errors"'):html.index('id="seed"')]
    assert "Sentence 1 of ose_2 &lt;i&gt;" in section and "<td>0.90</td>" in section


def test_main_prints_usage_on_bad_arguments(capsys):
    assert main(["nonsense"]) == 2
    assert "usage" in capsys.readouterr().err
