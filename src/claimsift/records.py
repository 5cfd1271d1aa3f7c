"""JSONL files of records, and the ``params.yaml`` reader the stages share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

import yaml


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Write records one JSON object a line (UTF-8, parent dirs created). Returns the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n


def read_jsonl(path: Path) -> Iterator[dict]:
    """Yield the records of a JSONL file; a bad line raises ``ValueError`` naming file and line."""
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None


def write_json(path: Path, obj) -> None:
    """Pretty JSON with a final newline (stable for git diffs and ``dvc metrics diff``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load_params(section: str, path: Path = Path("params.yaml")) -> dict:
    """One section of ``params.yaml`` (as DVC's example-get-started stages do)."""
    with open(path, encoding="utf-8") as fh:
        params = yaml.safe_load(fh) or {}
    if section not in params:
        raise KeyError(f"{path} has no section {section!r}")
    return params[section]
