"""Metadata written beside every trained model (``claimsift.json``) and read back on load."""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from claimsift.labels import LABELS

META_FILE = "claimsift.json"
KINDS = ("tfidf", "transformer")
_PACKAGES = ("claimsift", "scikit-learn", "skops", "torch", "transformers", "datasets", "tokenizers", "numpy")


class ModelError(RuntimeError):
    """A model directory that is missing, foreign or broken."""


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_manifest(model_dir: Path) -> dict[str, str]:
    """SHA-256 of every file in ``model_dir`` except ``claimsift.json``, by name (sorted)."""
    return {p.name: file_sha256(p) for p in sorted(Path(model_dir).iterdir()) if p.name != META_FILE and p.is_file()}


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that decide a model's behaviour."""
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            pass
    return versions


def write_metadata(model_dir: Path, kind: str, params: dict, data_path: Path, extra: dict | None = None) -> dict:
    """Write ``claimsift.json``: kind, labels, params, training-data hash, versions, ``extra``,
    and ``files``, the SHA-256 of every other file in ``model_dir`` (checked on load).

    Call it last, after every model file is saved."""
    meta: dict[str, Any] = {
        "kind": kind,
        "labels": list(LABELS),
        "params": params,
        "data": {"path": str(data_path), "sha256": file_sha256(data_path)},
        "versions": package_versions(),
    }
    meta.update(extra or {})
    meta["files"] = file_manifest(model_dir)
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def read_metadata(model_dir: Path, verify: bool = True) -> dict:
    """Read and check ``claimsift.json``; raise ``ModelError`` with a one-line reason.

    With ``verify`` (the default) every file of the directory is also checked against the
    manifest (present, regular, same SHA-256): see ``claimsift.modelcheck.verify_files``."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise ModelError(f"model directory not found: {model_dir}")
    path = model_dir / META_FILE
    if not path.is_file():
        raise ModelError(f"{model_dir} is not a claimsift model (no {META_FILE}); train one with `dvc repro`")
    from claimsift.modelcheck import regular_file  # modelcheck imports this module

    target = regular_file(path)
    if target.stat().st_size > 10_000_000:
        raise ModelError(f"{path}: larger than 10 MB, not claimsift metadata")
    try:
        meta = json.loads(target.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelError(f"{path}: unreadable metadata ({exc})") from None
    if not isinstance(meta, dict) or meta.get("kind") not in KINDS:
        raise ModelError(f"{path}: unknown model kind {meta.get('kind') if isinstance(meta, dict) else None!r}")
    if meta.get("labels") != list(LABELS):
        raise ModelError(f"{path}: model labels {meta.get('labels')} differ from {list(LABELS)}")
    if verify:
        from claimsift.modelcheck import verify_files

        verify_files(model_dir, meta)
    return meta
