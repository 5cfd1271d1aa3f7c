"""The public classifier: load either trained model, segment a text, label its body sentences."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from claimsift.calibration import apply_temperature
from claimsift.features import model_input, neighbour_context
from claimsift.labels import LABELS
from claimsift.modelmeta import ModelError, read_metadata
from claimsift.segment import Segment, segment_document


@dataclass(frozen=True)
class ClassifiedSegment:
    """One segment of the input with its label.

    ``label`` and ``scores`` are ``None`` for non-body segments; ``scores`` maps every label to
    its probability. ``start``/``end`` index the text that was classified.
    """

    doc: str
    index: int
    start: int
    end: int
    text: str
    body: bool
    label: str | None
    scores: dict[str, float] | None
    reason: str | None = None
    in_quote: bool = False
    speaker: str | None = None
    cue: str | None = None

    def to_dict(self) -> dict:
        """The JSON record of the classifier contract (plus segment context keys)."""
        return asdict(self)


class Classifier:
    """A trained claimsift model (TF-IDF or transformer), chosen by its ``claimsift.json``.

    Example::

        from claimsift import Classifier
        records = Classifier.load("models/transformer").classify(text)
    """

    def __init__(self, kind: str, predict_proba, metadata: dict):
        self.kind = kind
        self._predict_proba = predict_proba
        self.metadata = metadata
        params = metadata.get("params", {})
        self.use_quote_context = bool(params.get("use_quote_context", False))
        self.uses_context = params.get("context", "none") == "neighbours"
        self.temperature = float(metadata.get("calibration", {}).get("temperature", 1.0))

    @classmethod
    def load(cls, path: str | Path) -> "Classifier":
        """Load a model directory written by the ``train_tfidf`` or ``train_transformer`` stage.

        Raises:
            ModelError: the directory is missing, not a claimsift model, or broken.
        """
        path = Path(path)
        meta = read_metadata(path)
        if meta["kind"] == "tfidf":
            from claimsift import tfidf

            pipeline = tfidf.load(path)
            return cls("tfidf", lambda texts, pairs=None: tfidf.predict_proba(pipeline, texts), meta)
        from claimsift.transformer import TransformerScorer

        try:
            scorer = TransformerScorer(path, max_length=int(meta.get("params", {}).get("max_length", 128)))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot load transformer ({exc})") from None
        return cls("transformer", scorer.predict_proba, meta)

    def predict_proba(self, records: list[dict], calibrated: bool = True) -> np.ndarray:
        """Probabilities for body segment records (dicts with ``text``, ``doc`` and quote context,
        in document order: a context model reads each sentence's neighbours from the list).

        Args:
            calibrated: rescale by the temperature fitted on real dev (default True);
                ``False`` gives the model's raw probabilities.
        """
        pairs = neighbour_context(records) if self.uses_context else None
        probs = self._predict_proba([model_input(r, self.use_quote_context) for r in records], pairs)
        return apply_temperature(probs, self.temperature) if calibrated else probs

    def classify_segments(self, segments: list[Segment]) -> list[ClassifiedSegment]:
        """Label the body segments; non-body ones pass through with ``label=None``."""
        body = [s.to_dict() for s in segments if s.body]
        probs = self.predict_proba(body) if body else np.zeros((0, len(LABELS)))
        out, k = [], 0
        for seg in segments:
            label = scores = None
            if seg.body:
                row = probs[k]
                k += 1
                label = LABELS[int(row.argmax())]
                scores = {name: round(float(p), 6) for name, p in zip(LABELS, row)}
            out.append(
                ClassifiedSegment(
                    seg.doc, seg.index, seg.start, seg.end, seg.text, seg.body, label, scores,
                    seg.reason, seg.in_quote, seg.speaker, seg.cue,
                )
            )
        return out

    def classify(self, text: str, doc_id: str = "doc", hints: list | None = None) -> list[ClassifiedSegment]:
        """Segment ``text`` and classify it. Offsets index ``text``; ``hints``: see ``Document.hints``."""
        return self.classify_segments(segment_document(text, doc_id, hints=hints))
