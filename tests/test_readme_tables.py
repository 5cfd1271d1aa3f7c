"""The README's metric tables are the output of `python -m claimsift.report readme-tables` on
the committed reports (so a rerun that changes a figure must update the README too)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimsift.readme_tables import END, START, readme_block, readme_tables
from tests.report_inputs import AGREEMENT, metrics

REPO = Path(__file__).resolve().parents[1]

ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}  # this checkout's code


def test_readme_metric_tables_equal_the_committed_reports():
    proc = subprocess.run([sys.executable, "-m", "claimsift.report", "readme-tables"], cwd=REPO,
                          capture_output=True, text=True, env=ENV)
    assert proc.returncode == 0, proc.stderr
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme_block(readme) == proc.stdout, (
        "README metrics block is stale: replace it with `python -m claimsift.report readme-tables`")


def test_tables_are_built_from_the_report_files(tmp_path):
    (tmp_path / "metrics.json").write_text(json.dumps(metrics()))
    (tmp_path / "agreement.json").write_text(json.dumps(AGREEMENT))
    (tmp_path / "external.json").write_text(json.dumps({"skipped": "no corpora"}))
    md = readme_tables(tmp_path)
    m = metrics()["transformer"]["seed"]
    assert f"| transformer | seed | {m['n']} | 1 | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | 0.100–0.900 | 0.050 |" in md
    assert "external.json" not in md  # a skipped external run prints no table
    assert "kappa 0.800 on 20 sentences of 2 double-annotated documents; real 0.700 (n=10)" in md


def test_missing_metrics_and_missing_markers_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="metrics.json not found"):
        readme_tables(tmp_path)
    with pytest.raises(ValueError, match=START):
        readme_block("# no block")
    assert readme_block(f"a\n{START}\n| x |\n{END}\n") == "| x |\n"


def test_write_replaces_only_the_block(tmp_path):
    from claimsift.report import main

    (tmp_path / "metrics.json").write_text(json.dumps(metrics()))
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{START}\nold\n{END}\n\nafter\n")
    assert main(["readme-tables", str(tmp_path), "--write", str(readme)]) == 0
    text = readme.read_text()
    assert text.startswith("# x\n\n" + START + "\nTest sets") and text.endswith(END + "\n\nafter\n")
    assert readme_block(text) == readme_tables(tmp_path)
