"""Model directories as an attacker or a careless user would hand them to ``--model``.

Every crafted directory is built here from a real model saved the way the training stages save
one. Where an attacker could also rewrite ``claimsift.json``, the tests re-seal the manifest
after tampering (``reseal``), so the content checks themselves are what is tested.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from claimsift import Classifier, tfidf
from claimsift.modelcheck import SKOPS_ALLOWED, main as modelcheck_main, regular_file
from claimsift.modelmeta import META_FILE, ModelError, file_manifest, read_metadata, write_metadata
from tests.conftest import ARGUMENTS, FINDINGS, TESTIMONIES
from tests.saved_models import save_untrained_transformer

ROOT = Path(__file__).resolve().parents[1]
SEED_SENTENCES = FINDINGS[:4] + TESTIMONIES[:4] + ARGUMENTS[:4]


def reseal(model_dir: Path) -> None:
    """Rewrite the manifest for the directory as it is now (what a tamperer can do)."""
    meta = json.loads((model_dir / META_FILE).read_text())
    meta["files"] = file_manifest(model_dir)
    (model_dir / META_FILE).write_text(json.dumps(meta))


def run_cli(*args: str, stdin: str = "", timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "claimsift.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def tfidf_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tfidf") / "model"
    texts = FINDINGS + TESTIMONIES + ARGUMENTS
    labels = ["finding"] * 12 + ["testimony"] * 12 + ["argument"] * 12
    tfidf.save(tfidf.fit_pipeline(tfidf.build_pipeline(char_ngrams=(2, 4)), texts, labels), out)
    data = out.parent / "train.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in zip(texts, labels)))
    write_metadata(out, "tfidf", {"use_quote_context": True}, data)
    return out


@pytest.fixture(scope="module")
def transformer_dir(tmp_path_factory) -> Path:
    """An untrained-head BERT classifier saved as ``transformer.train`` saves one (fast: no training)."""
    out = tmp_path_factory.mktemp("transformer") / "model"
    save_untrained_transformer("BertForSequenceClassification", out, {"max_length": 64, "use_quote_context": False})
    return out


def copy_model(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "model"
    shutil.copytree(src, dst, symlinks=True)
    return dst


# --- the intact directories load ---------------------------------------------------------------

def test_intact_models_load_and_verify(tfidf_dir, transformer_dir):
    assert Classifier.load(tfidf_dir).kind == "tfidf"
    clf = Classifier.load(transformer_dir)
    assert clf.predict_proba([{"text": "A sentence."}]).shape == (1, 3)
    meta = read_metadata(transformer_dir)
    assert set(meta["files"]) == {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}


def test_allow_list_is_exactly_what_the_pipeline_saves(tfidf_dir):
    with zipfile.ZipFile(tfidf_dir / "model.skops") as zf:
        schema = json.loads(zf.read("schema.json"))
    seen, stack = set(), [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__loader__" in node:
                seen.add((node["__loader__"], f"{node['__module__']}.{node['__class__']}"))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    assert seen == set(SKOPS_ALLOWED)


# --- 1. a crafted skops file must not run code ---------------------------------------------------

def craft_exec_skops(model_dir: Path, marker: Path) -> None:
    """Add to the pipeline's state a node that constructs ``builtins.exec("...")`` on load."""
    path = model_dir / "model.skops"
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    schema = json.loads(members["schema.json"])
    payload = f"open({str(marker)!r}, 'w').write('ran')"
    schema["content"]["content"]["evil"] = {
        "__class__": "exec", "__module__": "builtins", "__loader__": "ConstructorFromReduceNode",
        "content": {"__class__": "tuple", "__module__": "builtins", "__loader__": "TupleNode",
                    "content": [{"__class__": "str", "__module__": "builtins", "__loader__": "JsonNode",
                                 "content": json.dumps(payload), "is_json": True}]},
    }
    # a DictNode pairs its entries with key types; without one the entry would be skipped
    schema["content"]["key_types"]["content"].append({"__class__": "str", "__module__": "builtins", "__loader__": "TypeNode"})
    members["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    reseal(model_dir)


def test_crafted_skops_exec_is_refused(tfidf_dir, tmp_path):
    model_dir = copy_model(tfidf_dir, tmp_path)
    marker = tmp_path / "marker"
    craft_exec_skops(model_dir, marker)
    with pytest.raises(ModelError, match=r"builtins\.exec"):
        tfidf.load(model_dir)
    with pytest.raises(ModelError, match="refuses"):
        Classifier.load(model_dir)
    doc = tmp_path / "doc.txt"
    doc.write_text("Police arrested 31 people.\n")
    res = run_cli("classify", str(doc), "--model", str(model_dir))
    assert res.returncode == 2 and res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and "builtins.exec" in res.stderr
    assert not marker.exists()


def test_skops_with_any_other_foreign_type_is_refused(tfidf_dir, tmp_path):
    model_dir = copy_model(tfidf_dir, tmp_path)
    path = model_dir / "model.skops"
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    schema = json.loads(members["schema.json"])
    schema["content"]["content"]["x"] = {"__class__": "system", "__module__": "os", "__loader__": "FunctionNode"}
    members["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ModelError, match=r"os\.system"):
        tfidf.load(model_dir)


# --- 2. remote code, by prompt or otherwise -------------------------------------------------------

def craft_remote_code(model_dir: Path, marker: Path, model_type: str) -> None:
    code = f"open({str(marker)!r}, 'w').write('ran')\n" + (
        "from transformers import PretrainedConfig, BertForSequenceClassification\n"
        "class EvilConfig(PretrainedConfig):\n    model_type = 'evil'\n"
        "class EvilModel(BertForSequenceClassification):\n    config_class = EvilConfig\n")
    (model_dir / "evil.py").write_text(code)
    config = json.loads((model_dir / "config.json").read_text())
    config.update(model_type=model_type, architectures=["EvilModel"],
                  auto_map={"AutoConfig": "evil.EvilConfig", "AutoModelForSequenceClassification": "evil.EvilModel"})
    (model_dir / "config.json").write_text(json.dumps(config))
    reseal(model_dir)


@pytest.mark.parametrize("model_type", ["evil", "bert"])
def test_remote_code_never_prompts_nor_runs(transformer_dir, tmp_path, model_type):
    model_dir = copy_model(transformer_dir, tmp_path)
    marker = tmp_path / "marker"
    craft_remote_code(model_dir, marker, model_type)
    doc = tmp_path / "doc.txt"
    doc.write_text("Police arrested 31 people.\n")
    res = run_cli("classify", str(doc), "--model", str(model_dir), stdin="y\ny\ny\n")
    assert res.returncode == 2
    assert res.stdout == ""  # nothing (no trust prompt) mixed into the JSONL output
    assert len(res.stderr.strip().splitlines()) == 1 and "claimsift: error:" in res.stderr
    assert not marker.exists()


def test_other_architecture_is_refused(transformer_dir, tmp_path):
    model_dir = copy_model(transformer_dir, tmp_path)
    config = json.loads((model_dir / "config.json").read_text())
    config["architectures"] = ["BertForMaskedLM"]
    (model_dir / "config.json").write_text(json.dumps(config))
    reseal(model_dir)
    with pytest.raises(ModelError, match="architectures"):
        Classifier.load(model_dir)


# --- 3. a silently wrong model ------------------------------------------------------------------

def test_missing_tokenizer_is_refused(transformer_dir, tmp_path):
    model_dir = copy_model(transformer_dir, tmp_path)
    (model_dir / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match="missing tokenizer.json"):
        Classifier.load(model_dir)
    reseal(model_dir)  # even with a manifest that agrees
    with pytest.raises(ModelError, match="tokenizer.json"):
        Classifier.load(model_dir)


def test_tokenizer_linked_to_dev_zero_is_refused(transformer_dir, tmp_path):
    model_dir = copy_model(transformer_dir, tmp_path)
    (model_dir / "tokenizer.json").unlink()
    (model_dir / "tokenizer.json").symlink_to("/dev/zero")
    with pytest.raises(ModelError, match="symbolic link to /dev/zero"):
        Classifier.load(model_dir)


def test_changed_file_fails_its_checksum(transformer_dir, tmp_path):
    model_dir = copy_model(transformer_dir, tmp_path)
    tok = json.loads((model_dir / "tokenizer_config.json").read_text())
    tok["do_lower_case"] = False  # a silent behaviour change
    (model_dir / "tokenizer_config.json").write_text(json.dumps(tok))
    with pytest.raises(ModelError, match="tokenizer_config.json: SHA-256 differs"):
        Classifier.load(model_dir)


def test_tokenizer_of_another_vocabulary_is_refused(transformer_dir, tmp_path):
    model_dir = copy_model(transformer_dir, tmp_path)
    tok = json.loads((model_dir / "tokenizer.json").read_text())
    vocab = tok["model"]["vocab"]
    tok["model"]["vocab"] = {k: v for k, v in vocab.items() if v < 1000}
    (model_dir / "tokenizer.json").write_text(json.dumps(tok))
    reseal(model_dir)
    with pytest.raises(ModelError, match="tokenizer vocabulary has 1000 entries, the model 30522"):
        Classifier.load(model_dir)


def test_unlisted_file_is_refused(transformer_dir, tmp_path):
    model_dir = copy_model(transformer_dir, tmp_path)
    (model_dir / "pytorch_model.bin").write_bytes(pickle.dumps({"w": 1}))
    with pytest.raises(ModelError, match=r"unexpected file\(s\) \['pytorch_model.bin'\]"):
        Classifier.load(model_dir)


def test_model_without_manifest_gets_one_line_and_a_way_out(tfidf_dir, tmp_path):
    model_dir = copy_model(tfidf_dir, tmp_path)
    meta = json.loads((model_dir / META_FILE).read_text())
    del meta["files"]
    (model_dir / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="lists no file checksums.*modelcheck seal"):
        Classifier.load(model_dir)
    assert modelcheck_main(["seal", str(model_dir)]) == 0
    assert Classifier.load(model_dir).kind == "tfidf"
    assert modelcheck_main(["verify", str(model_dir)]) == 0


def test_links_into_a_dvc_cache_are_followed(tfidf_dir, tmp_path):
    cache = tmp_path / "repo/.dvc/cache/files/md5/ab"
    cache.mkdir(parents=True)
    model_dir = copy_model(tfidf_dir, tmp_path)
    shutil.move(model_dir / "model.skops", cache / "cdef")
    (model_dir / "model.skops").symlink_to(cache / "cdef")
    assert regular_file(model_dir / "model.skops") == cache / "cdef"
    assert Classifier.load(model_dir).kind == "tfidf"


# --- 4. weights that are not safetensors ----------------------------------------------------------

def test_pickled_safetensors_is_one_line(transformer_dir, tmp_path):
    model_dir = copy_model(transformer_dir, tmp_path)
    (model_dir / "model.safetensors").write_bytes(pickle.dumps({"weight": list(range(100))}))
    reseal(model_dir)
    with pytest.raises(ModelError, match="not a safetensors file") as info:
        Classifier.load(model_dir)
    assert "\n" not in str(info.value)
    doc = tmp_path / "doc.txt"
    doc.write_text("Police arrested 31 people.\n")
    res = run_cli("classify", str(doc), "--model", str(model_dir))
    assert res.returncode == 2 and res.stdout == "" and len(res.stderr.strip().splitlines()) == 1


def test_safetensors_linked_to_another_file_is_refused(transformer_dir, tmp_path):
    model_dir = copy_model(transformer_dir, tmp_path)
    (model_dir / "model.safetensors").unlink()
    (model_dir / "model.safetensors").symlink_to(model_dir / "tokenizer.json")
    with pytest.raises(ModelError, match="symbolic link"):
        Classifier.load(model_dir)


def test_auto_map_alone_is_refused(transformer_dir, tmp_path):
    model_dir = copy_model(transformer_dir, tmp_path)
    for name in ("config.json", "tokenizer_config.json"):
        original = (model_dir / name).read_text()
        conf = json.loads(original)
        conf["auto_map"] = {"AutoTokenizer": ["evil.EvilTokenizer", None]}
        (model_dir / name).write_text(json.dumps(conf))
        reseal(model_dir)
        with pytest.raises(ModelError, match=rf"{name}: asks for remote code"):
            Classifier.load(model_dir)
        (model_dir / name).write_text(original)
