import pytest

from claimsift.splits import LeakageError, assign_splits, check_no_leakage, find_leaks, normalise_sentence


def genres(n_per_genre=5):
    return {f"{g}_{i}": g for g in ("a", "b", "c") for i in range(n_per_genre)}


def test_assignment_is_seeded_stratified_and_forces_test_docs():
    g = genres()
    g["seed_doc"] = "a"
    s1 = assign_splits(g, seed=1, test_docs=["seed_doc"])
    assert s1 == assign_splits(g, seed=1, test_docs=["seed_doc"])
    assert s1 != assign_splits(g, seed=2, test_docs=["seed_doc"])
    assert s1["seed_doc"] == "test"
    for genre in "abc":
        splits = {s1[d] for d in g if g[d] == genre and d != "seed_doc"}
        assert splits == {"train", "dev", "test"}


def test_small_genre_goes_to_train():
    assert set(assign_splits({"x1": "x", "x2": "x"}, seed=0).values()) == {"train"}


def test_leak_detection():
    base = [
        {"doc": "a", "split": "train", "text": "Police arrested thirty one protesters outside the ministry."},
        {"doc": "b", "split": "test", "text": "Police arrested thirty-one protesters outside the ministry!"},
        {"doc": "c", "split": "dev", "text": "The river flooded four villages after the dam failed."},
    ]
    leaks = find_leaks(base)
    assert len(leaks) == 1 and {leaks[0][0]["doc"], leaks[0][1]["doc"]} == {"a", "b"}
    with pytest.raises(LeakageError, match="near-duplicate"):
        check_no_leakage({"a": "train", "b": "test", "c": "dev"}, base)
    check_no_leakage({"a": "train", "c": "dev"}, [base[0], base[2]])


def test_document_in_two_splits():
    recs = [{"doc": "a", "split": "test", "text": "x"}]
    with pytest.raises(LeakageError, match="document a"):
        check_no_leakage({"a": "train"}, recs)


def test_normalise():
    assert normalise_sentence("  Hello, World! ") == "hello world"
