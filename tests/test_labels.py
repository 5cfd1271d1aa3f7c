import pytest

from claimsift.labels import DEFINITIONS, ID2LABEL, LABEL2ID, LABELS, TAGS, check_label


def test_schema_is_consistent():
    assert LABELS == ("finding", "testimony", "argument")
    assert all(ID2LABEL[LABEL2ID[name]] == name for name in LABELS)
    assert set(DEFINITIONS) == set(LABELS) == set(TAGS.values())


def test_check_label_rejects_unknown():
    assert check_label("finding") == "finding"
    with pytest.raises(ValueError, match="unknown label 'opinion'"):
        check_label("opinion")
