"""TF-IDF baseline: word and character n-grams into a logistic regression, saved with skops."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from claimsift.labels import LABELS
from claimsift.modelmeta import ModelError

MODEL_FILE = "model.skops"
# Types a claimsift TF-IDF file may contain; anything else is refused on load.
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.sparse.", "builtins.")


def build_pipeline(
    word_ngrams: Sequence[int] = (1, 2),
    char_ngrams: Sequence[int] = (2, 5),
    C: float = 4.0,
    max_iter: int = 2000,
    seed: int = 0,
) -> Pipeline:
    """An unfitted pipeline: word and ``char_wb`` TF-IDF (sublinear tf) → balanced logistic regression."""
    features = FeatureUnion(
        [
            ("word", TfidfVectorizer(ngram_range=tuple(word_ngrams), sublinear_tf=True, min_df=1)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(char_ngrams), sublinear_tf=True, min_df=2)),
        ]
    )
    model = LogisticRegression(C=C, max_iter=max_iter, class_weight="balanced", random_state=seed)
    return Pipeline([("features", features), ("model", model)])


def fit_pipeline(pipeline: Pipeline, texts: Sequence[str], labels: Sequence[str]) -> Pipeline:
    """Fit on label names; the classes are always ``LABELS`` in order (checked)."""
    pipeline.fit(list(texts), [LABELS.index(label) for label in labels])
    if list(pipeline.classes_) != list(range(len(LABELS))):
        raise ValueError(f"training data lacks some labels: saw {sorted(set(labels))}")
    return pipeline


def save(pipeline: Pipeline, model_dir: Path) -> Path:
    """Save with skops (never pickle) to ``model_dir/model.skops``."""
    import skops.io as sio

    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / MODEL_FILE
    sio.dump(pipeline, path)
    return path


def load(model_dir: Path) -> Pipeline:
    """Load a skops file, trusting only scikit-learn, NumPy and SciPy types."""
    import skops.io as sio

    path = Path(model_dir) / MODEL_FILE
    if not path.is_file():
        raise ModelError(f"{model_dir}: no {MODEL_FILE}")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises several types on a corrupt zip
        raise ModelError(f"{path}: not a readable skops file ({exc})") from None
    foreign = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if foreign:
        raise ModelError(f"{path}: refuses to load untrusted types {foreign}")
    return sio.load(path, trusted=untrusted)


def predict_proba(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """Probabilities, shape ``(len(texts), len(LABELS))``, columns in ``LABELS`` order."""
    if not texts:
        return np.zeros((0, len(LABELS)))
    return pipeline.predict_proba(list(texts))
