"""Write the inputs of ``bench/gpu_sweep.py`` to DIR: the train stage's train and real dev sets,
tokenised (with and without the neighbour pair), and the base MiniLM rounded to fp16.

Run after the ``label`` stage:  python bench/gpu_sweep_prep.py .gpu   (keep DIR out of git)
"""
import json, sys
from pathlib import Path
import torch
from transformers import AutoTokenizer
from safetensors.torch import load_file, save_file
from claimsift.records import load_params
from claimsift.stages.common import training_sets
from claimsift.stages.train_transformer import context_lookup
from claimsift.features import model_input
from claimsift.labels import LABEL2ID
from claimsift.transformer import base_model_path

out = Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
p = load_params("train_transformer")
data = Path(p["data"])
ctx = context_lookup(data)
base = base_model_path()
tok = AutoTokenizer.from_pretrained(base)
blob = {}
train, dev = training_sets(data, p)
for name, rows in (("train", train), ("dev", dev)):
    texts = [model_input(r, True) for r in rows]
    pairs = [ctx[(r["doc"], r["index"])] for r in rows]
    y = [LABEL2ID[r["label"]] for r in rows]
    real = [r.get("origin") == "real" for r in rows]
    doc = [r["doc"] for r in rows]
    for variant, ml, use_pairs in (("none128", 128, False), ("ctx128", 128, True), ("ctx192", 192, True)):
        enc = tok(texts, pairs if use_pairs else None, truncation="longest_first" if use_pairs else True, max_length=ml)
        blob[f"{name}/{variant}"] = {"input_ids": enc["input_ids"], "token_type_ids": enc["token_type_ids"]}
    blob[f"{name}/y"] = y; blob[f"{name}/real"] = real; blob[f"{name}/doc"] = doc
    print(name, len(rows), sum(real))
torch.save(blob, out / "data.pt")
sd = load_file(base + "/model.safetensors")
save_file({k: v.half() if v.is_floating_point() else v for k, v in sd.items()}, str(out / "model.safetensors"))
(out / "config.json").write_text(Path(base, "config.json").read_text())
