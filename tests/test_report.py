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
    assert "<script" not in html and "<link" not in html
    # Nothing is loaded from anywhere: every src is a data URI (the schema URL is inside them).
    assert all(src.startswith("data:image/svg+xml;base64,") for src in re.findall(r'src="([^"]*)"', html))
    for section in ("headline", "per-label", "groups", "confusion", "calibration", "errors", "seed", "agreement", "run"):
        assert f'id="{section}"' in html


def test_headline_rows_carry_interval_sentences_and_documents():
    html = make_html()
    m = metrics()["transformer"]["real_test"]
    row = re.search(r"<tr><td>transformer</td><td>real test split</td>(.*?)</tr>", html).group(1)
    assert f"<b>{m['macro_f1']:.3f}</b>" in row and "0.100–0.900" in row and f"<td>{m['n']}</td><td>2</td>" in row


def test_seed_article_highlights_predictions_marks_misses_and_greys_non_body():
    html = make_html(reader_model="tfidf")
    reader = html[html.index('<article class="reader">'):]
    assert '<span class="nb" title="heading">A Headline</span>' in reader
    assert '<span class="nb" title="link_list">Read more</span>' in reader
    # tfidf predicts testimony for the finding "Police held 31 people.": highlighted as testimony, gold shown.
    assert f'class="s miss" style="background:{TINTS["testimony"]}' in reader and "gold: finding" in reader
    assert "&lt;b&gt;This is wrong.&lt;/b&gt;" in reader  # text is escaped, never markup


def test_errors_list_sentence_gold_prediction_and_probability():
    html = make_html()
    section = html[html.index('id="errors"'):html.index('id="seed"')]
    assert "Sentence 1 of ose_2 &lt;i&gt;" in section and "<td>0.90</td>" in section


def test_main_prints_usage_on_bad_arguments(capsys):
    assert main(["nonsense"]) == 2
    assert "usage" in capsys.readouterr().err
