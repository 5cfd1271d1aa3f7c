import subprocess
import sys
from pathlib import Path

import pytest

from claimsift import tfidf
from claimsift.labels import LABELS
from claimsift.modelmeta import ModelError
from tests.conftest import ARGUMENTS, FINDINGS, TESTIMONIES


def fitted():
    texts = FINDINGS + TESTIMONIES + ARGUMENTS
    labels = ["finding"] * 12 + ["testimony"] * 12 + ["argument"] * 12
    return tfidf.fit_pipeline(tfidf.build_pipeline(C=4.0, char_ngrams=(2, 4)), texts, labels)


def test_fit_save_load_roundtrip(tmp_path):
    pipe = fitted()
    tfidf.save(pipe, tmp_path)
    loaded = tfidf.load(tmp_path)
    texts = ["The court ordered compensation.", "She said they beat her."]
    assert (tfidf.predict_proba(loaded, texts) == tfidf.predict_proba(pipe, texts)).all()
    probs = tfidf.predict_proba(loaded, FINDINGS[:3])
    assert probs.shape == (3, len(LABELS))
    assert probs.argmax(1).tolist() == [0, 0, 0]  # training sentences are learnt
    assert tfidf.predict_proba(loaded, []).shape == (0, 3)


def test_save_is_byte_reproducible(tmp_path):
    # Equal models must give equal files, so that DVC hashes (dvc.lock) repeat across runs.
    # Two processes: memory addresses (id()) differ between them, as between two `dvc repro`s.
    code = "import sys; from claimsift import tfidf; from tests.test_tfidf import fitted; tfidf.save(fitted(), Path(sys.argv[1]))"
    for name in ("a", "b"):
        subprocess.run([sys.executable, "-c", "from pathlib import Path; " + code, str(tmp_path / name)],
                       check=True, cwd=Path(__file__).resolve().parents[1])
    assert (tmp_path / "a/model.skops").read_bytes() == (tmp_path / "b/model.skops").read_bytes()


def test_missing_label_is_refused():
    with pytest.raises(ValueError, match="lacks some labels"):
        tfidf.fit_pipeline(tfidf.build_pipeline(), FINDINGS + ARGUMENTS, ["finding"] * 12 + ["argument"] * 12)


def test_load_refuses_missing_and_corrupt(tmp_path):
    with pytest.raises(ModelError, match="no model.skops"):
        tfidf.load(tmp_path)
    (tmp_path / "model.skops").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="not a readable skops file"):
        tfidf.load(tmp_path)
