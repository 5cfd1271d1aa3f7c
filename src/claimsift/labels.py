"""The label schema: the one source of truth for label names, ids and definitions."""

from __future__ import annotations

LABELS: tuple[str, ...] = ("finding", "testimony", "argument")
"""Label names in id order. Model heads, reports and the CLI all use this order."""

LABEL2ID: dict[str, int] = {name: i for i, name in enumerate(LABELS)}
ID2LABEL: dict[int, str] = {i: name for i, name in enumerate(LABELS)}

DEFINITIONS: dict[str, str] = {
    "finding": (
        "Factual report finding: a verifiable fact, event, statistic, ruling, or what a report, "
        "investigation, court or dataset found, stated by the author or attributed to a source; "
        "quoted report text counts here."
    ),
    "testimony": (
        "Firsthand testimony: what a witness, victim, detainee, relative or participant says they "
        "saw or lived through, as a direct quote or reported speech."
    ),
    "argument": (
        "Editorial or political argument: opinion, evaluation, interpretation, prediction, demand "
        "or call to action, by the author or by a quoted person (officials, activists, analysts)."
    ),
}

# Short tags used by the inline authoring format (see claimsift.authoring).
TAGS: dict[str, str] = {"f": "finding", "t": "testimony", "a": "argument"}


def check_label(name: str) -> str:
    """Return ``name`` if it is a known label, else raise ``ValueError`` naming the known ones."""
    if name not in LABEL2ID:
        raise ValueError(f"unknown label {name!r}; known labels: {', '.join(LABELS)}")
    return name
