"""What a classifier sees of a sentence: its text, optionally with its quotation context."""

from __future__ import annotations

from typing import Mapping, Sequence


MAX_MODEL_CHARS = 2_000
"""Characters of a segment a model sees. Longer "sentences" (a 10 MB unpunctuated line) are cut:
TF-IDF's character n-grams and the tokenizer would otherwise take gigabytes, and the transformer
reads only its first 128 tokens anyway. The longest body sentence of the corpus has 822."""


def model_input(record: Mapping, use_quote_context: bool = True) -> str:
    """Text fed to the models for one segment record.

    Args:
        record: has ``text`` and, from the segmenter, ``in_quote`` (bool) and ``cue`` (str|None).
        use_quote_context: prefix the quotation context (default True), e.g.
            ``"[in quote; cue: stated] They kept hitting me."``. The speaker's name is left out on
            purpose: names would let a model memorise people instead of learning the kinds.

    Returns:
        The input string (the text cut at ``MAX_MODEL_CHARS``).
    """
    text = record["text"][:MAX_MODEL_CHARS]
    if not use_quote_context:
        return text
    parts = []
    if record.get("in_quote"):
        parts.append("in quote")
    if record.get("cue"):
        parts.append(f"cue: {record['cue']}")
    return f"[{'; '.join(parts)}] {text}" if parts else text


def neighbour_context(records: Sequence[Mapping]) -> list[str]:
    """The previous and next sentence of each record, as a second text for pair models.

    Args:
        records: body segment records in document order (several documents may follow each
            other; ``doc`` keeps their sentences apart).

    Returns:
        One string per record, ``"<previous> [SEP] <next>"`` (empty where there is none).
    """
    out = []
    for i, rec in enumerate(records):
        prev = records[i - 1]["text"] if i and records[i - 1]["doc"] == rec["doc"] else ""
        nxt = records[i + 1]["text"] if i + 1 < len(records) and records[i + 1]["doc"] == rec["doc"] else ""
        out.append(f"{prev} [SEP] {nxt}")
    return out


def reads_neighbours(params: Mapping) -> bool:
    """Whether a model trained with ``params`` (its ``train_transformer`` section, as saved in
    ``claimsift.json``) reads each sentence with :func:`neighbour_context` as a text pair:
    ``context: neighbours``; absent or ``none`` means the sentence alone."""
    return params.get("context", "none") == "neighbours"
