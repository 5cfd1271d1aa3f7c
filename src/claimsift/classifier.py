"""The public classifier: load either trained model, segment texts, label their body sentences.

``Classifier.classify_many`` is the batch entry point (the CLI, the HTTP service and batch jobs
use it); ``Classifier.classify`` is a one-document wrapper around it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claimsift.calibration import apply_temperature
from claimsift.features import model_input, neighbour_context, reads_neighbours
from claimsift.labels import LABELS
from claimsift.modelmeta import ModelError, read_metadata
from claimsift.precision import PRECISIONS
from claimsift.segment import Segment, iter_segments, segment_document

__all__ = ["ClassifiedSegment", "Classifier", "DEFAULT_WINDOW"]

DEFAULT_WINDOW = 2048
"""Body sentences ``classify_many`` gathers (across documents) before it scores them: large
enough for length-sorted batches to pad little, small enough to bound memory and latency."""


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

    def to_dict(self) -> dict[str, Any]:
        """The JSON record of the classifier contract (plus segment context keys)."""
        # Spelled out: dataclasses.asdict deep-copies field by field, several times slower, and
        # the HTTP service and the CLI call this for every segment they write.
        return {"doc": self.doc, "index": self.index, "start": self.start, "end": self.end, "text": self.text,
                "body": self.body, "label": self.label, "scores": dict(self.scores) if self.scores is not None else None,
                "reason": self.reason, "in_quote": self.in_quote, "speaker": self.speaker, "cue": self.cue}


class Classifier:
    """A trained claimsift model (TF-IDF or transformer), chosen by its ``claimsift.json``.

    Example::

        from claimsift import Classifier
        clf = Classifier.load("models/transformer")            # precision="auto"
        for doc_id, segments in zip(ids, clf.classify_many(texts, doc_ids=ids)):
            ...

    Attributes:
        kind: ``"tfidf"`` or ``"transformer"``.
        precision: the precision inference runs at (``"fp32"``, ``"bf16"``; ``"fp64"`` for TF-IDF).
        metadata: the model's ``claimsift.json``.
    """

    def __init__(
        self,
        kind: str,
        predict_proba: Callable[[Sequence[str], int | None], np.ndarray],
        metadata: dict[str, Any],
        precision: str = "fp32",
    ):
        self.kind = kind
        self._predict_proba = predict_proba
        self.metadata = metadata
        self.precision = precision
        params = metadata.get("params", {})
        self.use_quote_context = bool(params.get("use_quote_context", False))
        self.uses_context = reads_neighbours(params)
        # Scores are calibrated: the temperature was fitted on the real dev split at training.
        self.temperature = float(metadata.get("calibration", {}).get("temperature", 1.0))

    @classmethod
    def load(cls, path: str | Path, precision: str = "auto", batch_size: int = 32,
             workers: int | None = None) -> Classifier:
        """Load a model directory written by the ``train_tfidf`` or ``train_transformer`` stage.

        Args:
            path: the model directory.
            precision: for transformer models, ``"auto"`` (bf16 on a GPU or a CPU with AMX or
                AVX512-BF16, else fp32), ``"fp32"`` or ``"bf16"``. bf16 agreed with fp32 on
                99.9% of labels in ``bench/throughput.py``. TF-IDF models accept ``"auto"`` and
                ``"fp32"`` and always compute in float64.
            batch_size: sentences per forward pass (transformer; default 32: on a 2-core CPU,
                ``classify_many`` calls of 8 documents, as the HTTP service makes, ran at 870-943
                sentences/s against 671-842 with 64 in repeated ad-hoc runs of the single-sentence
                model; 40 documents per call about the same either way).
            workers: transformer on a CPU: forward passes run at once, each on one core
                (default: torch's thread count; loading sets torch's intra-op threads to 1 when
                it is above 1); 1 keeps torch's threading as it is. See ``TransformerScorer``.

        Raises:
            ModelError: the directory is missing, not a claimsift model, or broken.
            ValueError: an unknown or unsupported ``precision``.
        """
        if precision not in PRECISIONS:
            raise ValueError(f"unknown precision {precision!r} (one of {', '.join(PRECISIONS)})")
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        path = Path(path)
        meta = read_metadata(path)
        if meta["kind"] == "tfidf":
            if precision not in ("auto", "fp32"):
                raise ValueError(f"precision {precision} applies to transformer models only; {path} is TF-IDF")
            from claimsift import tfidf

            pipeline = tfidf.load(path)
            return cls("tfidf", lambda texts, _batch: tfidf.predict_proba(pipeline, texts), meta, precision="fp64")
        from claimsift.transformer import TransformerScorer

        try:
            scorer = TransformerScorer(
                path, batch_size=batch_size, max_length=int(meta.get("params", {}).get("max_length", 128)),
                precision=precision, workers=workers,
            )
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot load transformer ({exc})") from None
        return cls("transformer", scorer.predict_proba, meta, precision=scorer.precision)

    def model_inputs(self, records: Sequence[dict[str, Any]]) -> list[str]:
        """What the model reads for each segment record (built by ``features.model_input``)."""
        return [model_input(r, self.use_quote_context) for r in records]

    def predict_proba(self, records: Sequence[dict[str, Any]], batch_size: int | None = None,
                      calibrated: bool = True) -> np.ndarray:
        """Probabilities for body segment records (dicts with ``text``, ``doc`` and quote context,
        in document order: a context model reads each sentence's neighbours from the list), shape
        ``(len(records), len(LABELS))``. Records without ``doc`` read as one document, in list order.

        Args:
            batch_size: overrides the forward-pass batch size.
            calibrated: rescale by the temperature fitted on the real dev split (default True);
                ``False`` gives the model's raw probabilities.

        Raises:
            ValueError: a record is not a mapping with a ``text`` string.
        """
        if not records:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        bad = next((i for i, r in enumerate(records) if not isinstance(r, Mapping) or not isinstance(r.get("text"), str)), None)
        if bad is not None:
            raise ValueError(f"record {bad} has no text: each record must be a mapping with a 'text' string")
        inputs: list = self.model_inputs(records)
        if self.uses_context:
            inputs = list(zip(inputs, neighbour_context([r if "doc" in r else {**r, "doc": None} for r in records])))
        probs = self._predict_proba(inputs, batch_size)
        return apply_temperature(probs, self.temperature) if calibrated else probs

    def _label(self, segments: list[Segment], probs: np.ndarray) -> list[ClassifiedSegment]:
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

    def classify_segments(self, segments: list[Segment]) -> list[ClassifiedSegment]:
        """Label the body segments; non-body ones pass through with ``label=None``."""
        return self._label(segments, self.predict_proba([s.to_dict() for s in segments if s.body]))

    def classify_many(
        self,
        texts: Iterable[str],
        doc_ids: Iterable[str] | None = None,
        batch_size: int | None = None,
        window: int = DEFAULT_WINDOW,
        hints: Iterable[list | None] | None = None,
    ) -> Iterator[list[ClassifiedSegment]]:
        """Segment and classify many documents in one pass; yields one list per input, in order.

        Body sentences of consecutive documents are gathered until about ``window`` of them are
        pending, then scored together (the transformer sorts them by length and pads each batch
        to its own longest sentence), and those documents are yielded. So the results stream
        and memory stays bounded by ``window`` sentences (plus the largest single document),
        however many documents ``texts`` yields; it may be a generator.

        Args:
            texts: the documents (plain text; offsets index these strings).
            doc_ids: an id per document (default ``"0"``, ``"1"``, ...); must be as long as ``texts``.
            batch_size: sentences per forward pass (default: the one given to :meth:`load`).
            window: body sentences scored together (default :data:`DEFAULT_WINDOW`).
            hints: per document, the HTML line hints of ``reader.Document.hints`` (or None).

        Yields:
            For each input text, its segments as :class:`ClassifiedSegment` (body ones labelled).

        Raises:
            ValueError: ``doc_ids`` and ``texts`` differ in length (raised when one runs out).
        """
        if doc_ids is None:
            pairs: Iterable[tuple[str, Any]] = zip(texts, itertools.count())
        else:
            pairs = zip(texts, doc_ids, strict=True)
        hint_iter = iter(hints) if hints is not None else itertools.repeat(None)
        pending: list[list[Segment]] = []
        n_body = 0
        for text, doc_id in pairs:
            segments = segment_document(text, str(doc_id), hints=next(hint_iter))
            pending.append(segments)
            n_body += sum(s.body for s in segments)
            if n_body >= window or len(pending) >= window:  # documents without body text count too
                yield from self._flush(pending, batch_size, window)
                pending, n_body = [], 0
        yield from self._flush(pending, batch_size, window)

    def _flush(self, pending: list[list[Segment]], batch_size: int | None,
               window: int = DEFAULT_WINDOW) -> Iterator[list[ClassifiedSegment]]:
        body = [s.to_dict() for segments in pending for s in segments if s.body]
        # Scored ``window`` sentences at a time, so one huge document keeps model memory bounded.
        probs = np.concatenate([self.predict_proba(body[i : i + window], batch_size)
                                for i in range(0, len(body), window)] or [np.zeros((0, len(LABELS)), np.float32)])
        k = 0
        for segments in pending:
            n = sum(s.body for s in segments)
            yield self._label(segments, probs[k : k + n])
            k += n

    def iter_classify(self, text: str, doc_id: str = "doc", hints: list | None = None,
                      batch_size: int | None = None, window: int = DEFAULT_WINDOW) -> Iterator[ClassifiedSegment]:
        """The records of :meth:`classify`, streamed: the document is segmented and scored
        ``window`` body sentences at a time, so memory stays flat however long it is (a 10 MB
        input can have millions of segments; :meth:`classify` returns them as one list).

        The windows, and so the scores, are those of :meth:`classify`. A model that reads
        neighbouring sentences gets them across window edges too, except after more than
        ``8 * window`` segments in a row without a body sentence (there the wait is cut short).
        """
        if window < 1:
            raise ValueError("window must be at least 1")
        pending: list[Segment] = []      # segments not given out yet, in order
        body: list[dict[str, Any]] = []  # the records of pending's body segments
        before: dict[str, Any] | None = None  # the body record before ``body[0]``, for its context
        for seg in iter_segments(text, doc_id, hints):
            pending.append(seg)
            if not seg.body:
                if len(pending) >= 8 * window:  # a flood of non-body segments
                    yield from self._label(pending, self._window_probs(body, before, None, batch_size))
                    before = body[-1] if body else before
                    pending, body = [], []
                continue
            body.append(seg.to_dict())
            if len(body) > window:
                # score the window; its last sentence's next neighbour (just read) waits for the next
                yield from self._label(pending[:-1], self._window_probs(body[:-1], before, body[-1], batch_size))
                before = body[-2]
                pending, body = pending[-1:], body[-1:]
        yield from self._label(pending, self._window_probs(body, before, None, batch_size))

    def _window_probs(self, records: list[dict[str, Any]], before: dict[str, Any] | None,
                      after: dict[str, Any] | None, batch_size: int | None) -> np.ndarray:
        """Calibrated probabilities of consecutive body ``records`` of one document, whose
        neighbouring records outside the list are ``before`` and ``after`` (or None)."""
        if not records:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        if not self.uses_context:
            return self.predict_proba(records, batch_size)
        inputs: list = self.model_inputs(records)
        around = ([before] if before else []) + records + ([after] if after else [])
        context = neighbour_context(around)[1 if before else 0:][:len(records)]
        return apply_temperature(self._predict_proba(list(zip(inputs, context)), batch_size), self.temperature)

    def classify(self, text: str, doc_id: str = "doc", hints: list | None = None) -> list[ClassifiedSegment]:
        """Segment ``text`` and classify it. Offsets index ``text``; ``hints``: see ``Document.hints``."""
        return next(self.classify_many([text], [doc_id], hints=[hints]))
