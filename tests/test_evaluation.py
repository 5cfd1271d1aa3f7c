import pytest

from claimsift.evaluation import classification_metrics, confusion


def test_metrics_values():
    y_true = ["finding", "finding", "testimony", "argument"]
    y_pred = ["finding", "argument", "testimony", "argument"]
    m = classification_metrics(y_true, y_pred)
    assert m["accuracy"] == 0.75 and m["n"] == 4
    assert m["per_class"]["finding"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert m["per_class"]["argument"]["precision"] == 0.5
    assert m["macro_f1"] == round((2 / 3 + 1 + 2 / 3) / 3, 4)
    assert confusion(y_true, y_pred) == [[1, 0, 1], [0, 1, 0], [0, 0, 1]]


def test_metrics_reject_bad_input():
    with pytest.raises(ValueError):
        classification_metrics([], [])
    with pytest.raises(ValueError):
        classification_metrics(["finding"], [])


def test_bootstrap_interval_resamples_documents_or_sentences():
    from claimsift.evaluation import bootstrap_macro_f1_ci

    y = ["finding", "testimony", "argument"] * 20
    pred = y[:50] + ["finding"] * 10
    ci, unit = bootstrap_macro_f1_ci(y, pred, [f"d{i // 6}" for i in range(60)], n_boot=200, seed=1)
    assert unit == "documents" and 0 <= ci[0] < ci[1] <= 1
    assert bootstrap_macro_f1_ci(y, pred, ["one"] * 60, n_boot=200, seed=1)[1] == "sentences"
    assert bootstrap_macro_f1_ci(y, y, ["one"] * 60, n_boot=50, seed=1)[0] == [1.0, 1.0]
    assert ci == bootstrap_macro_f1_ci(y, pred, [f"d{i // 6}" for i in range(60)], n_boot=200, seed=1)[0]
