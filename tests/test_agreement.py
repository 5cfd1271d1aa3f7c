import pytest

from claimsift.agreement import agreement


def test_perfect_and_partial_agreement():
    a = ["finding", "testimony", "argument", "finding"]
    assert agreement(a, a)["kappa"] == 1.0
    b = ["finding", "testimony", "finding", "finding"]
    r = agreement(a + [None], b + ["argument"])
    assert r["n"] == 4 and r["excluded"] == 1
    assert r["observed_agreement"] == 0.75
    assert 0 < r["kappa"] < 1
    assert r["per_label"]["testimony"]["kappa"] == 1.0
    assert r["per_label"]["argument"] == {"kappa": 0.0, "first": 1, "second": 0}


def test_agreement_errors():
    with pytest.raises(ValueError, match="length"):
        agreement(["finding"], [])
    with pytest.raises(ValueError, match="no segment"):
        agreement([None], ["finding"])
