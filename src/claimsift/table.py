"""A readable table of classified segments for a terminal (``claimsift classify --format table``)."""

from __future__ import annotations

import shutil
import textwrap
from typing import Iterable, TextIO

from claimsift.classifier import ClassifiedSegment
from claimsift.labels import LABELS

__all__ = ["TableWriter"]


class TableWriter:
    """Writes a header once, then one row per segment: document, index, label (or the reason
    a segment is not body text), one aligned score column per label, and the text wrapped to
    the terminal width with continuation lines indented under it."""

    def __init__(self, out: TextIO, width: int | None = None):
        self.out = out
        self.width = width or shutil.get_terminal_size((120, 24)).columns
        self.doc_width = 20
        self._header_done = False

    def _prefix(self, doc: str, index: str, label: str, scores: list[str]) -> str:
        return f"{doc:<{self.doc_width}} {index:>4}  {label:<12} " + " ".join(f"{s:>9}" for s in scores) + "  "

    def write(self, records: Iterable[ClassifiedSegment]) -> None:
        """Write the rows of one document (the header before the first document)."""
        if not self._header_done:
            head = self._prefix("doc", "#", "label", list(LABELS)) + "text"
            self.out.write(head + "\n" + "-" * min(len(head) + 40, self.width) + "\n")
            self._header_done = True
        for r in records:
            doc = r.doc if len(r.doc) <= self.doc_width else r.doc[: self.doc_width - 1] + "…"
            label = r.label or f"({r.reason or 'non-body'})"
            scores = [f"{r.scores[name]:.3f}" if r.scores else "" for name in LABELS]
            prefix = self._prefix(doc, str(r.index), label, scores)
            text_width = max(30, self.width - len(prefix))
            lines = textwrap.wrap(" ".join(r.text.split()), text_width) or [""]
            self.out.write(prefix + lines[0] + "\n")
            for line in lines[1:]:
                self.out.write(" " * len(prefix) + line + "\n")
