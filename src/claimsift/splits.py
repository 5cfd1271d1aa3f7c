"""Document-level train/dev/test splits and the check that no text leaks between them."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from typing import Mapping, Sequence

SPLITS: tuple[str, ...] = ("train", "dev", "test")


class LeakageError(ValueError):
    """A document or a near-duplicate sentence appears in two splits."""


def assign_splits(
    genres: Mapping[str, str],
    seed: int,
    dev_fraction: float = 0.15,
    test_fraction: float = 0.2,
    test_docs: Sequence[str] = (),
) -> dict[str, str]:
    """Assign each document to a split, stratified by genre and fixed by ``seed``.

    Args:
        genres: doc id -> genre.
        seed: the random seed (from ``params.yaml``).
        dev_fraction: share of each genre's documents for dev (default 0.15).
        test_fraction: share of each genre's documents for test (default 0.2).
        test_docs: documents always put in test (the seed article); they do not count
            towards their genre's quota.

    Returns:
        doc id -> "train" | "dev" | "test". Each genre with 3+ documents gets at least one dev
        and one test document; the rest go to train.
    """
    rng = random.Random(seed)
    forced = set(test_docs)
    by_genre: dict[str, list[str]] = defaultdict(list)
    for doc, genre in sorted(genres.items()):
        if doc not in forced:
            by_genre[genre].append(doc)
    result = {doc: "test" for doc in forced if doc in genres}
    for genre in sorted(by_genre):
        docs = by_genre[genre]
        rng.shuffle(docs)
        n = len(docs)
        n_test = max(1, round(n * test_fraction)) if n >= 3 else 0
        n_dev = max(1, round(n * dev_fraction)) if n >= 3 else 0
        for i, doc in enumerate(docs):
            result[doc] = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
    return result


_NON_WORD = re.compile(r"[^\w]+")


def normalise_sentence(text: str) -> str:
    """Lower-case, punctuation-free form used to compare sentences across splits."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def find_leaks(
    sentences: Sequence[Mapping], threshold: float = 0.9, min_words: int = 5
) -> list[tuple[Mapping, Mapping, float]]:
    """Pairs of sentences in different splits whose character n-gram cosine >= ``threshold``.

    Args:
        sentences: records with ``text``, ``split`` and ``doc``.
        threshold: cosine similarity of character 3–5-gram TF vectors (default 0.9).
        min_words: shorter sentences are ignored (stock phrases such as "He denied it.").

    Returns:
        ``(a, b, similarity)`` for each leaking pair, most similar first.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    long_enough = [s for s in sentences if len(normalise_sentence(s["text"]).split()) >= min_words]
    if len(long_enough) < 2:
        return []
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), use_idf=False, preprocessor=normalise_sentence)
    matrix = vec.fit_transform([s["text"] for s in long_enough])
    leaks = []
    for i, split in enumerate(SPLITS):
        rows = [k for k, s in enumerate(long_enough) if s["split"] == split]
        later = [k for k, s in enumerate(long_enough) if s["split"] in SPLITS[i + 1 :]]
        if not rows or not later:
            continue
        sims = (matrix[rows] @ matrix[later].T).tocoo()
        for r, c, v in zip(sims.row, sims.col, sims.data):
            if v >= threshold:
                leaks.append((long_enough[rows[r]], long_enough[later[c]], float(v)))
    leaks.sort(key=lambda t: -t[2])
    return leaks


def check_no_leakage(doc_splits: Mapping[str, str], sentences: Sequence[Mapping], threshold: float = 0.9) -> None:
    """Raise ``LeakageError`` if a sentence's split disagrees with its document's, or if a
    near-duplicate sentence appears in two splits (message quotes the first few pairs)."""
    for s in sentences:
        if doc_splits.get(s["doc"]) != s["split"]:
            raise LeakageError(f"document {s['doc']} appears in split {s['split']} and {doc_splits.get(s['doc'])}")
    leaks = find_leaks(sentences, threshold)
    if leaks:
        shown = "; ".join(
            f"{a['doc']}[{a['split']}] {a['text'][:60]!r} ~ {b['doc']}[{b['split']}] {b['text'][:60]!r} ({v:.2f})"
            for a, b, v in leaks[:5]
        )
        raise LeakageError(f"{len(leaks)} near-duplicate sentence pair(s) across splits: {shown}")
