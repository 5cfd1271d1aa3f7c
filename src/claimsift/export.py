"""``claimsift export-model MODEL_DIR OUT_DIR``: a trained model, its model card (as the
folder's ``README.md``, the name model hubs read) and a SHA-256 file manifest, in one folder a
user can share or upload to a model hub.

The model is checked first (``read_metadata`` verifies every file against the checksums in
``claimsift.json``); only regular files at the top of the model folder are copied (links only
when they point into a DVC cache, never subfolders), and the output folder must not exist or be
empty, so nothing is overwritten.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from claimsift.modelcheck import regular_file
from claimsift.modelmeta import ModelError, file_sha256, read_metadata

MANIFEST = "MANIFEST.json"
CARD = "README.md"


class ExportError(RuntimeError):
    """An export that cannot be done (the message is one line)."""


def default_card(model_dir: Path) -> Path:
    """Where the pipeline writes this model's card: ``docs/model-cards/<folder name>.md``."""
    return Path("docs/model-cards") / f"{Path(model_dir).name}.md"


def export_model(model_dir: Path, out_dir: Path, card: Path | None = None) -> dict:
    """Copy the model's files, its card and a manifest into ``out_dir``; returns the manifest.

    Raises:
        ModelError: ``model_dir`` is not a claimsift model.
        ExportError: no card, a non-empty ``out_dir``, or an unexpected entry in the model folder.
    """
    model_dir, out_dir = Path(model_dir), Path(out_dir)
    meta = read_metadata(model_dir)
    card = Path(card) if card else default_card(model_dir)
    if not card.is_file():
        raise ExportError(f"model card not found: {card} (run `dvc repro`, or pass --card)")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ExportError(f"{out_dir} exists and is not an empty folder; choose a new one")
    entries = sorted(model_dir.iterdir())
    odd = [e.name for e in entries if not e.is_file()]
    if odd:
        raise ExportError(f"{model_dir}: unexpected entries {odd} (only regular files are exported)")
    sources = {e.name: regular_file(e) for e in entries}  # links only into a DVC cache, else ModelError
    if any(e.name in (CARD, MANIFEST) for e in entries):
        raise ExportError(f"{model_dir} already holds a {CARD} or {MANIFEST}; is it an export?")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, source in sources.items():
        shutil.copyfile(source, out_dir / name)
    shutil.copyfile(card, out_dir / CARD)
    files = sorted(p for p in out_dir.iterdir() if p.name != MANIFEST)
    manifest = {"kind": meta["kind"], "labels": meta["labels"],
                "files": [{"path": p.name, "bytes": p.stat().st_size, "sha256": file_sha256(p)} for p in files]}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def verify(out_dir: Path) -> list[str]:
    """Files of an export whose size or SHA-256 differ from its manifest (empty when intact)."""
    manifest = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    bad = []
    for f in manifest["files"]:
        p = Path(out_dir) / f["path"]
        if not p.is_file() or p.stat().st_size != f["bytes"] or file_sha256(p) != f["sha256"]:
            bad.append(f["path"])
    return bad


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``export-model MODEL_DIR OUT_DIR [--card CARD]``; errors print one
    line to stderr and return 2."""
    parser = argparse.ArgumentParser(prog="claimsift export-model",
                                     description="Bundle a trained model with its model card and a file manifest.")
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--card", type=Path, default=None, help="model card (default docs/model-cards/<name>.md)")
    args = parser.parse_args(argv)
    try:
        manifest = export_model(args.model_dir, args.out_dir, args.card)
    except (ModelError, ExportError, OSError) as exc:
        print(f"claimsift export-model: {exc}", file=sys.stderr)
        return 2
    total = sum(f["bytes"] for f in manifest["files"])
    print(f"exported {manifest['kind']} model to {args.out_dir}: {len(manifest['files'])} files, {total:,} bytes, "
          f"manifest {MANIFEST}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
