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
    """Save with skops (never pickle) to ``model_dir/model.skops``, byte-for-byte reproducible."""
    import skops.io as sio

    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / MODEL_FILE
    for _, vectorizer in pipeline.named_steps["features"].transformer_list:
        # A cache of id(stop_words) that scikit-learn keeps to warn once; it is a memory
        # address, differs per process, and is rebuilt when missing.
        vectorizer.__dict__.pop("_stop_words_id", None)
        # The terms min_df dropped, kept only for introspection; scikit-learn documents that it
        # can be deleted, and it roughly doubles the schema a loader has to parse.
        vectorizer.__dict__.pop("stop_words_", None)
    sio.dump(pipeline, path)
    _canonicalise_skops(path)
    return path


def _canonicalise_skops(path: Path) -> None:
    """Rewrite a skops zip so that equal models give equal bytes (and equal DVC hashes).

    skops names arrays and object references after ``id()`` (memory addresses) and stamps
    entries with the current time; both are replaced by first-appearance counters and a fixed
    date. The loader only needs the names to be consistent between schema and members.
    """
    import json
    import zipfile

    with zipfile.ZipFile(path) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    schema = json.loads(members.pop("schema.json"))
    ids: dict[int, int] = {}
    files: dict[str, str] = {}

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "__id__" and isinstance(value, int):
                    node[key] = ids.setdefault(value, len(ids) + 1)
                elif isinstance(value, str) and value in members:
                    node[key] = files.setdefault(value, f"{len(files) + 1:06d}{Path(value).suffix}")
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    if set(files) != set(members):
        raise ModelError(f"{path}: unexpected skops layout (unreferenced members)")
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("schema.json", json.dumps(schema, indent=2).encode())] + sorted(
            (files[old], members[old]) for old in members
        ):
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    tmp.replace(path)


def load(model_dir: Path) -> Pipeline:
    """Load a skops file holding only the types ``save`` writes (``modelcheck.SKOPS_ALLOWED``).

    Raises:
        ModelError: missing or unreadable file, or any other type in it (one line; nothing
            from the file is constructed before the check).
    """
    import skops.io as sio

    from claimsift.modelcheck import check_skops

    path = Path(model_dir) / MODEL_FILE
    if not path.exists() and not path.is_symlink():
        raise ModelError(f"{model_dir}: no {MODEL_FILE}")
    trusted = check_skops(path)
    try:
        pipeline = sio.load(path, trusted=trusted)
    except Exception as exc:  # a schema that passed the type check can still be inconsistent
        raise ModelError(f"{path}: not a loadable skops file ({type(exc).__name__})") from None
    if not isinstance(pipeline, Pipeline):
        raise ModelError(f"{path}: holds a {type(pipeline).__name__}, not a claimsift TF-IDF pipeline")
    return pipeline


def predict_proba(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """Probabilities, shape ``(len(texts), len(LABELS))``, columns in ``LABELS`` order."""
    if not texts:
        return np.zeros((0, len(LABELS)))
    # Character n-grams take about 200 bytes per input character while a batch is vectorised:
    # vectorise at most _CHUNK_CHARS characters at a time so memory stays flat.
    out, chunk, size = [], [], 0
    for text in texts:
        if chunk and size + len(text) > _CHUNK_CHARS:
            out.append(pipeline.predict_proba(chunk))
            chunk, size = [], 0
        chunk.append(text)
        size += len(text)
    out.append(pipeline.predict_proba(chunk))
    return np.vstack(out)


_CHUNK_CHARS = 200_000
