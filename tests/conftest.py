"""Shared fixtures: a tiny corpus the tests build in a temporary directory."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

FINDINGS = [
    "The audit counted 412 prisoners in a wing built for 150.",
    "Police arrested 31 protesters outside the ministry on Tuesday.",
    "The court ordered the state to pay 40,000 euros in damages.",
    "According to the report, 61 percent of cells had no ventilation.",
    "The inquiry received 219 written submissions by September.",
    "Water samples from the river showed lead above the legal limit.",
    "The tribunal convicted two officers of unlawful detention.",
    "Nine journalists were detained during the election week.",
    "The clinic recorded 88 cases of cholera in March alone.",
    "The law allows detention without charge for up to 90 days.",
    "Figures from the labour office show 1,200 workers were dismissed.",
    "The commission published its findings on 4 June.",
]
TESTIMONIES = [
    "He said the guards woke them at four and made them kneel.",
    "“They took my phone and beat me with a hose,” said Amadou Keita.",
    "Her brother told her he had not eaten for three days.",
    "One nurse said she treated eleven burned children that night.",
    "“I could hear my cellmate screaming until dawn,” he recalled.",
    "A former detainee said they were given water once a day.",
    "She described being pushed into a van without any warrant.",
    "“My son came home with both his hands broken,” the mother said.",
    "The driver said soldiers stopped the bus and took his papers.",
    "According to a survivor, the water reached the roof in minutes.",
    "“We slept on concrete for the whole winter,” one worker told us.",
    "He recalled that officers laughed while his friend bled.",
]
ARGUMENTS = [
    "This ruling is a disgrace and must be overturned.",
    "“We will not tolerate lawlessness on our streets,” the minister said.",
    "The government should release every detainee immediately.",
    "How many more people must die before parliament acts?",
    "Unless the law changes, the next flood will be far worse.",
    "Such cruelty shames every official who tolerated it.",
    "Voters deserve better than these hollow promises.",
    "The company's denial is an insult to its own workers.",
    "Only independent inspections can restore public trust.",
    "Critics argue the policy will push migrants into danger.",
    "It is time to end the failed experiment of mass detention.",
    "The press must be free to report without fear.",
]
GENRES = ["wire_news", "ngo_report", "oped"]


def tiny_sources() -> list[str]:
    """Nine inline-tagged source documents, 3 per genre, each sentence used once."""
    sources = []
    used = {"f": 0, "t": 0, "a": 0}
    for d in range(9):
        doc_id = f"doc_{d:02d}"
        meta = {"id": doc_id, "genre": GENRES[d % 3], "topic": "detention", "country": "Testland",
                "written_for_project": True}
        body = []
        for k in range(4):
            pool, tag = [(FINDINGS, "f"), (TESTIMONIES, "t"), (ARGUMENTS, "a")][(d + k) % 3]
            body.append(f"<{tag}>{pool[used[tag]]}</{tag}>")
            used[tag] += 1
        text = f"Headline number {d}\nBy Staff Reporter\n" + " ".join(body[:2]) + "\n" + " ".join(body[2:]) + "\nRead more\n- Another story about prisons\n"
        sources.append(json.dumps(meta) + "\n" + text)
    return sources


def tiny_corpus_into(root: Path) -> Path:
    """Write data/raw, data/annotations and data/documents.jsonl of the tiny corpus under ``root``."""
    from claimsift.authoring import import_sources

    src_dir = root / "src_docs"
    src_dir.mkdir()
    paths = []
    for i, source in enumerate(tiny_sources()):
        p = src_dir / f"{i}.txt"
        p.write_text(source, encoding="utf-8")
        paths.append(p)
    import_sources(paths, root / "data/raw", root / "data/annotations", root / "data/documents.jsonl")
    shutil.rmtree(src_dir)
    return root


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A project directory holding the tiny corpus."""
    return tiny_corpus_into(tmp_path)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's headless Chromium: the browser tests fail without it in CI and skip elsewhere."""
    from claimsift.screenshot import find_chromium

    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing in CI: .ci/run should have installed the Debian package `chromium`")
        pytest.skip("Chromium not installed (apt-get install chromium); browser tests skipped")
    return path
