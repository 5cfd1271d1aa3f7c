import pytest

from claimsift import reportdata
from tests.report_inputs import AGREEMENT, metrics, predictions


def test_headline_holds_numeric_scalars_only():
    head = reportdata.headline(metrics(), AGREEMENT)
    assert set(head) == {"tfidf", "transformer", "kappa"}
    assert set(head["tfidf"]) == {"real_test", "seed"}  # the written split is not a headline
    assert head["tfidf"]["real_test"] == {"macro_f1": metrics()["tfidf"]["real_test"]["macro_f1"], "ci_low": 0.1,
                                          "ci_high": 0.9, "accuracy": 0.75, "ece": 0.05}
    assert head["kappa"] == {"overall": 0.8, "real": 0.7}

    def leaves(d):
        for v in d.values():
            yield from leaves(v) if isinstance(v, dict) else [v]
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in leaves(head))


def test_group_metrics_per_genre_and_model():
    rows = reportdata.group_metrics(predictions(), "genre")
    partisan = [r for r in rows if r["genre"] == "partisan"]
    assert [(r["model"], r["n"], r["accuracy"], r["sets"]) for r in partisan] == [
        ("tfidf", 2, 0.5, "seed article"), ("transformer", 2, 1.0, "seed article")]
    assert {r["source"] for r in reportdata.group_metrics(predictions(), "source")} >= {"written for the project", "gum_news"}


def test_confident_errors_sorted_by_probability_and_limited_to_the_set():
    errs = reportdata.confident_errors(predictions(), "transformer", "real_test")
    assert [(e["doc"], e["gold"], e["pred"], e["prob"]) for e in errs] == [("ose_2", "argument", "finding", 0.9)]
    assert reportdata.confident_errors(predictions(), "tfidf", "real_test", k=0) == []


def test_sha256_tree_ignores_location_and_caches(tmp_path):
    for base in ("a", "b"):
        (tmp_path / base / "pkg" / "__pycache__").mkdir(parents=True)
        (tmp_path / base / "pkg" / "x.py").write_text("x = 1\n")
        (tmp_path / base / "pkg" / "__pycache__" / "x.pyc").write_bytes(base.encode())
    a = reportdata.sha256_tree([tmp_path / "a" / "pkg"], tmp_path / "a")
    assert a == reportdata.sha256_tree([tmp_path / "b" / "pkg"], tmp_path / "b")
    (tmp_path / "b" / "pkg" / "x.py").write_text("x = 2\n")
    assert a != reportdata.sha256_tree([tmp_path / "b" / "pkg"], tmp_path / "b")


def test_label_counts_per_set_in_order():
    assert list(reportdata.label_counts(predictions())) == ["real_test", "seed", "synthetic_test"]
    with pytest.raises(KeyError):
        reportdata.label_counts([{"origin": "real", "label": "opinion"}])
