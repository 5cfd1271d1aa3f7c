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
