"""End to end: every DVC stage, through `dvc repro`, on a tiny corpus with a tiny training budget."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def run(cmd, cwd, env):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def git_commit(root, env, message):
    run(["git", "add", "-A"], root, env)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", message], root, env)


@pytest.fixture(scope="module")
def repro_project(tmp_path_factory):
    from tests.conftest import tiny_corpus_into

    root = tmp_path_factory.mktemp("project")
    tiny_corpus_into(root)
    # Three documents count as real (split apart from the written ones, stratified by source).
    meta_path = root / "data/documents.jsonl"
    metas = [json.loads(line) for line in meta_path.read_text().splitlines()]
    for m in metas:
        if m["id"] in ("doc_06", "doc_07", "doc_08"):
            m.update(written_for_project=False, source="gum_news", license="CC BY 2.5", url="https://example.org")
    meta_path.write_text("".join(json.dumps(m) + "\n" for m in metas))
    newssd = root / "data/external/newssd_eng"
    newssd.mkdir(parents=True)
    rows = ['"The council met on Monday.",OBJ,False', '"This plan is a disgrace.",SUBJ,False',
            '"Prices rose 3% in May.",OBJ,False', '"We must act now.",SUBJ,False']
    for name in ("train.csv", "val.csv", "test.csv"):
        (newssd / name).write_text("Sentence,Label,Solved conflict\n" + "\n".join(rows) + "\n")
    # A second annotator who disagrees on one document's first sentence.
    (root / "data/agreement/first").mkdir(parents=True)
    (root / "data/agreement/second").mkdir(parents=True)
    shutil.copy(root / "data/annotations/doc_00.jsonl", root / "data/agreement/first/doc_00.jsonl")
    spans = [json.loads(line) for line in (root / "data/annotations/doc_00.jsonl").read_text().splitlines()]
    spans[0]["label"] = "argument" if spans[0]["label"] != "argument" else "finding"
    (root / "data/agreement/second/doc_00.jsonl").write_text("".join(json.dumps(s) + "\n" for s in spans))

    shutil.copy(REPO / "dvc.yaml", root / "dvc.yaml")
    (root / "docs").mkdir()
    shutil.copy(REPO / "docs/datasheet.md", root / "docs/datasheet.md")
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["label"]["test_docs"] = ["doc_00"]
    params["evaluate"]["bootstrap_samples"] = 50
    params["train_tfidf"]["C_grid"] = [1.0]
    params["train_transformer"].update(epochs=1, batch_size=8, max_train_examples=16, max_length=32)
    from tests.test_external import make_corpora

    make_corpora(root / "corpora")
    params["external"]["corpora_dir"] = "corpora"
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    # dvc.yaml tracks the source files the stages run; link them so dependencies resolve.
    (root / "src").symlink_to(REPO / "src")
    # The stages run as subprocesses: point them at this checkout's code, not the installed one.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "PYTHONPATH": str(REPO / "src")}
    run(["git", "init", "-q"], root, env)
    run([sys.executable, "-m", "dvc", "init", "-q"], root, env)
    run([sys.executable, "-m", "dvc", "config", "core.analytics", "false"], root, env)
    git_commit(root, env, "tiny project")  # DVCLive and `dvc exp` need a commit
    first = run([sys.executable, "-m", "dvc", "repro"], root, env)
    second = run([sys.executable, "-m", "dvc", "repro"], root, env)
    return root, first.stdout, second.stdout, env


def test_every_stage_ran_and_wrote_its_outputs(repro_project):
    root, out, _, _ = repro_project
    for stage in ("split", "label", "train_tfidf", "train_transformer", "evaluate", "agreement", "external",
                  "external_newssd", "report"):
        assert f"Running stage '{stage}'" in out
    segments = [json.loads(l) for l in (root / "data/segments/segments.jsonl").read_text().splitlines()]
    raw = {p.stem: p.read_text(encoding="utf-8") for p in (root / "data/raw").iterdir()}
    assert all(raw[s["doc"]][s["start"] : s["end"]] == s["text"] for s in segments)
    assert any(not s["body"] for s in segments)  # headings, bylines, "Read more" lists

    labels = json.loads((root / "reports/labels.json").read_text())
    assert labels["documents"] == 9 and labels["body_sentences"] == 36
    assert labels["splits"]["test"]["documents"] >= 2
    assert sum(labels["labels"].values()) == 36

    assert labels["origins"]["real"]["test"]["documents"] == 1 and labels["origins"]["seed"]["test"]["documents"] == 1

    metrics = json.loads((root / "reports/metrics.json").read_text())
    for model in ("tfidf", "transformer"):
        for split in ("real_test", "seed"):
            m = metrics[model][split]
            assert 0 <= m["macro_f1"] <= 1 and set(m["per_class"]) == {"finding", "testimony", "argument"}
            low, high = m["macro_f1_ci95"]
            assert 0 <= low <= high <= 1 and m["ci_resampled"] == "sentences"  # one document each
            assert 0 <= m["ece"] <= 1 and 0 <= m["ece_uncalibrated"] <= 1
        assert metrics[model]["seed"]["n"] == 4
        assert (root / f"reports/plots/confusion_{model}_real_test.png").read_bytes()[:4] == b"\x89PNG"
        assert (root / f"reports/plots/reliability_{model}_real_test.png").read_bytes()[:4] == b"\x89PNG"
        meta = json.loads((root / f"models/{model}/claimsift.json").read_text())
        assert meta["calibration"]["temperature"] > 0 and meta["calibration"]["n"] == 4  # real dev only
    assert (root / "models/transformer/model.safetensors").is_file()
    assert (root / "models/tfidf/model.skops").is_file()

    external = json.loads((root / "reports/external.json").read_text())
    assert external["tfidf"]["webis_editorials_adu"]["n"] == 3
    newssd = json.loads((root / "reports/external_newssd.json").read_text())
    assert newssd["transformer"]["n"] == 12 and newssd["transformer"]["n_subj"] == 6

    agreement = json.loads((root / "reports/agreement.json").read_text())
    assert agreement["first_vs_second"]["observed_agreement"] == 0.75
    assert agreement["by_origin"]["written"]["first_vs_second"]["n"] == 4


def test_second_repro_reruns_nothing(repro_project):
    _, _, second, _ = repro_project
    assert "Running stage" not in second


def test_cli_classifies_with_the_trained_models(repro_project):
    root, _, _, env = repro_project
    doc = root / "data/raw/doc_03.txt"
    for model in ("models/tfidf", "models/transformer"):
        proc = run([sys.executable, "-m", "claimsift.cli", "classify", str(doc), "--model", model], root, env)
        records = [json.loads(l) for l in proc.stdout.splitlines()]
        text = doc.read_text(encoding="utf-8")
        assert [r["index"] for r in records] == list(range(len(records)))
        for r in records:
            assert text[r["start"] : r["end"]] == r["text"]
            if r["body"]:
                assert r["label"] in {"finding", "testimony", "argument"}
                assert abs(sum(r["scores"].values()) - 1) < 1e-3
            else:
                assert r["label"] is None and r["scores"] is None


def test_label_stage_fails_on_bad_annotation(repro_project, tmp_path):
    root, _, _, env = repro_project
    work = tmp_path / "p"
    shutil.copytree(root, work, symlinks=True, ignore=shutil.ignore_patterns("models", ".dvc", ".git"))
    ann = work / "data/annotations/doc_01.jsonl"
    ann.write_text(ann.read_text() + '{"doc": "doc_01", "start": 0, "end": 3, "label": "opinion"}\n')
    proc = subprocess.run([sys.executable, "-m", "claimsift.stages.label"], cwd=work, env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "doc_01.jsonl:5: unknown label 'opinion'" in proc.stderr


def test_report_stage_wrote_report_headline_and_cards(repro_project):
    root, _, _, _ = repro_project
    html = (root / "reports/report.html").read_text(encoding="utf-8")
    assert "claimsift evaluation report" in html and 'id="headline"' in html and "doc_00" in html
    headline = json.loads((root / "reports/headline.json").read_text())
    metrics = json.loads((root / "reports/metrics.json").read_text())
    for model in ("tfidf", "transformer"):
        assert headline[model]["real_test"]["macro_f1"] == metrics[model]["real_test"]["macro_f1"]
        assert [headline[model]["seed"]["ci_low"], headline[model]["seed"]["ci_high"]] == metrics[model]["seed"]["macro_f1_ci95"]
        card = (root / f"docs/model-cards/{model}.md").read_text(encoding="utf-8")
        assert card.startswith("---\n") and "model-index:" in card and "[in quote; cue: " in card
    assert headline["kappa"]["overall"] == json.loads((root / "reports/agreement.json").read_text())["first_vs_second"]["kappa"]
    curve = (root / "reports/training/plots/metrics/dev_macro_f1.tsv").read_text().splitlines()
    assert curve[0] == "step\tdev_macro_f1" and [line.split("\t")[0] for line in curve[1:]] == ["1"]  # one epoch


def test_only_headline_is_a_dvc_metric_and_plots_have_titles(repro_project):
    root, _, _, env = repro_project
    shown = json.loads(run([sys.executable, "-m", "dvc", "metrics", "show", "--json"], root, env).stdout)
    files = {f for rev in shown.values() for f in rev["data"]}
    assert files == {"reports/headline.json"}
    spec = yaml.safe_load((root / "dvc.yaml").read_text())
    for plot in spec["plots"]:
        if isinstance(plot, dict):
            (props,) = plot.values()
            assert props.get("title"), plot
        else:
            assert plot.endswith(".png") and (root / plot).is_file(), plot
    out = run([sys.executable, "-m", "dvc", "plots", "show", "--json"], root, env).stdout
    assert "Training loss per epoch" in out and "reliability_transformer_real_test.png" in out


def git_status(root, env) -> str:
    return run(["git", "status", "--porcelain"], root, env).stdout


def test_experiment_round_trip_returns_to_the_committed_state(repro_project):
    """README's experiment workflow: run, show, apply, throw away, back to the commit."""
    root, _, _, env = repro_project
    dvc = [sys.executable, "-m", "dvc"]
    if git_status(root, env):
        git_commit(root, env, "pipeline outputs")
    committed = (root / "reports/headline.json").read_text()
    run(dvc + ["exp", "run", "-n", "two-epochs", "-S", "train_transformer.epochs=2"], root, env)
    assert "train_transformer" in (root / "dvc.lock").read_text()
    shown = run(dvc + ["exp", "show", "--only-changed", "--csv"], root, env).stdout
    header = shown.splitlines()[0].split(",")
    assert len(header) <= 40, header
    assert "two-epochs" in shown and "train_transformer.epochs" in header
    # The README's exact `--drop/--keep` line gives just the headline columns.
    line = next(l for l in (REPO / "README.md").read_text().splitlines() if l.startswith("dvc exp show --drop"))
    args = shlex.split(line.split("  #")[0])
    keep = args[args.index("--keep") + 1].split("|")
    header = run(dvc + args[1:] + ["--csv"], root, env).stdout.splitlines()[0].split(",")
    assert header == keep, (header, keep)
    # Throw the workspace result away, then bring it back with `exp apply`, then go home.
    run(["git", "checkout", "--", "."], root, env)
    run(dvc + ["checkout", "-q"], root, env)
    assert git_status(root, env) == "" and (root / "reports/headline.json").read_text() == committed
    run(dvc + ["exp", "apply", "two-epochs"], root, env)
    assert "epochs: 2" in (root / "params.yaml").read_text()
    run(["git", "checkout", "--", "."], root, env)
    run(dvc + ["checkout", "-q"], root, env)
    run(dvc + ["exp", "remove", "two-epochs"], root, env)
    assert run(dvc + ["exp", "list", "--name-only"], root, env).stdout.strip() == ""
    assert "Data and pipelines are up to date" in run(dvc + ["status"], root, env).stdout
    assert git_status(root, env) == ""


@pytest.mark.slow
def test_forced_repro_changes_nothing_tracked(repro_project):
    """What a clean clone's `make repro` does: every stage again; git must see no change."""
    root, _, _, env = repro_project
    if git_status(root, env):
        git_commit(root, env, "pipeline outputs")
    run([sys.executable, "-m", "dvc", "repro", "-f"], root, env)
    assert git_status(root, env) == ""
