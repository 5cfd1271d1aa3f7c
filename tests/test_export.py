import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimsift.export import ExportError, export_model, verify
from claimsift.modelmeta import ModelError, file_sha256

ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}  # this checkout's code


@pytest.fixture
def model_dir(tmp_path) -> Path:
    d = tmp_path / "tfidf"
    d.mkdir()
    (d / "model.skops").write_bytes(b"PK\x03\x04 not really")
    (d / "claimsift.json").write_text(json.dumps({"kind": "tfidf", "labels": ["finding", "testimony", "argument"],
                                                  "files": {"model.skops": file_sha256(d / "model.skops")}}))
    return d


def test_export_copies_files_card_and_a_manifest_that_verifies(model_dir, tmp_path):
    card = tmp_path / "card.md"
    card.write_text("---\nlicense: mit\n---\n# card\n")
    out = tmp_path / "out"
    manifest = export_model(model_dir, out, card)
    assert sorted(f["path"] for f in manifest["files"]) == ["README.md", "claimsift.json", "model.skops"]
    assert (out / "README.md").read_text() == card.read_text() and verify(out) == []
    (out / "model.skops").write_bytes(b"changed")
    assert verify(out) == ["model.skops"]


def test_export_refuses_bad_input_without_writing(model_dir, tmp_path):
    card = tmp_path / "card.md"
    card.write_text("# card\n")
    with pytest.raises(ExportError, match="model card not found"):
        export_model(model_dir, tmp_path / "o1", tmp_path / "nope.md")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    with pytest.raises(ExportError, match="not an empty folder"):
        export_model(model_dir, busy, card)
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]
    (model_dir / "link").symlink_to("/etc/passwd")
    with pytest.raises(ModelError, match="link"):  # not in the model's manifest
        export_model(model_dir, tmp_path / "o2", card)
    (model_dir / "link").unlink()
    (model_dir / "model.skops").write_bytes(b"tampered")
    with pytest.raises(ModelError, match="SHA-256 differs"):
        export_model(model_dir, tmp_path / "o2", card)
    assert not (tmp_path / "o2").exists() and not (tmp_path / "o1").exists()
    with pytest.raises(ModelError):
        export_model(tmp_path, tmp_path / "o3", card)


def test_cli_export_model_exit_codes(model_dir, tmp_path):
    card = tmp_path / "card.md"
    card.write_text("# card\n")
    ok = subprocess.run([sys.executable, "-m", "claimsift.cli", "export-model", str(model_dir), str(tmp_path / "o"),
                         "--card", str(card)], capture_output=True, text=True, env=ENV)
    assert ok.returncode == 0 and "exported tfidf model" in ok.stdout, ok.stderr
    bad = subprocess.run([sys.executable, "-m", "claimsift.cli", "export-model", str(tmp_path / "missing"),
                          str(tmp_path / "o4")], capture_output=True, text=True, env=ENV)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "not found" in bad.stderr
