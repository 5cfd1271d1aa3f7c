"""A sweep of fine-tuning choices for the context-pair MiniLM, several seeds each, on a GPU.

Runs on a machine with only torch, transformers, safetensors and scikit-learn (no claimsift, no
datasets): ``bench/gpu_sweep_prep.py DIR`` first writes DIR (the train stage's exact train and real
dev sets, tokenised; the base MiniLM weights rounded to fp16 to fit a 64 MiB transfer), then

    SWEEP_DATA=DIR [ONLY=name,...] [SEEDS=13,1,2] [WORKERS=8] [BUDGET=330] python bench/gpu_sweep.py

trains each (configuration, seed) job in a pool of processes sharing the GPU, and appends one JSON
line per job to ``$OUT/results.jsonl`` (real dev macro-F1 after each epoch) and the dev
probabilities to ``$OUT/probs.npz``, stopping cleanly at BUDGET seconds. It is a simplified
copy of ``claimsift.transformer.train`` (same optimiser groups, schedule, length-bucketed batches,
bf16 autocast, best epoch by real dev), not the stage itself: use it to choose, then confirm a
choice with ``dvc exp run`` on the CPU. ``python bench/gpu_sweep.py summarise RESULTS.jsonl...``
prints the table kept in ``bench/results/gpu_sweep_h200.txt``.
"""
import json, math, os, random, sys, time
import numpy as np
import torch
import torch.multiprocessing as mp

HERE = os.environ.get("SWEEP_DATA", ".gpu")
OUT = os.environ.get("OUT", "/tmp/out")
_DATA = None


def data():
    global _DATA
    if _DATA is None:
        _DATA = torch.load(os.path.join(HERE, "data.pt"))
    return _DATA


def bucketed(lengths, bs, rng, chunk=50):
    order = list(range(len(lengths))); rng.shuffle(order)
    batches = []
    for i in range(0, len(order), bs * chunk):
        c = sorted(order[i:i + bs * chunk], key=lambda j: lengths[j])
        batches.extend(c[k:k + bs] for k in range(0, len(c), bs))
    rng.shuffle(batches)
    return batches


def collate(ids, tt, idx, dev):
    m = max(len(ids[j]) for j in idx)
    a = torch.zeros(len(idx), m, dtype=torch.long); t = torch.zeros_like(a); mask = torch.zeros_like(a)
    for r, j in enumerate(idx):
        n = len(ids[j]); a[r, :n] = torch.tensor(ids[j]); t[r, :n] = torch.tensor(tt[j]); mask[r, :n] = 1
    return a.to(dev), t.to(dev), mask.to(dev)


class MeanPool(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        from transformers import BertModel
        self.bert = BertModel(config, add_pooling_layer=False)
        self.drop = torch.nn.Dropout(config.hidden_dropout_prob)
        self.classifier = torch.nn.Linear(config.hidden_size, 3)
        torch.nn.init.normal_(self.classifier.weight, std=0.02); torch.nn.init.zeros_(self.classifier.bias)

    def forward(self, input_ids, token_type_ids, attention_mask):
        h = self.bert(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        return self.classifier(self.drop((h * m).sum(1) / m.sum(1)))


class Cls(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        from transformers import BertForSequenceClassification
        self.m = BertForSequenceClassification(config)

    def forward(self, input_ids, token_type_ids, attention_mask):
        return self.m(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask).logits


def build(cfg, dev):
    from transformers import BertConfig
    from safetensors.torch import load_file
    config = BertConfig.from_json_file(os.path.join(HERE, "config.json"))
    config.num_labels = 3
    if cfg.get("dropout") is not None:
        config.hidden_dropout_prob = cfg["dropout"]
    model = MeanPool(config) if cfg.get("pool") == "mean" else Cls(config)
    sd = {k: v.float() for k, v in load_file(os.path.join(HERE, "model.safetensors")).items() if k != "embeddings.position_ids"}
    target = model.bert if cfg.get("pool") == "mean" else model.m.bert
    if cfg.get("pool") == "mean":
        sd = {k: v for k, v in sd.items() if not k.startswith("pooler.")}
    missing, unexpected = target.load_state_dict(sd, strict=False)
    assert not unexpected and all("position_ids" in k for k in missing), (missing, unexpected)
    return model.to(dev)


def param_groups(model, cfg):
    wd, lr, decay = cfg["wd"], cfg["lr"], cfg.get("llrd")
    groups = []
    for n, p in model.named_parameters():
        g_lr = lr
        if decay:
            if "encoder.layer." in n:
                layer = int(n.split("encoder.layer.")[1].split(".")[0]); g_lr = lr * decay ** (6 - layer)
            elif "embeddings" in n:
                g_lr = lr * decay ** 7
        groups.append({"params": [p], "lr": g_lr, "weight_decay": 0.0 if n.endswith(("bias", "LayerNorm.weight")) else wd})
    return groups


def macro_f1(y, p):
    from sklearn.metrics import f1_score
    return float(f1_score(y, p, average="macro", labels=[0, 1, 2], zero_division=0))


def run(job):
    cfg, seed = job
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    d = data(); v = cfg.get("variant", "ctx128")
    random.seed(seed); np.random.seed(seed); torch.manual_seed(seed); torch.cuda.manual_seed_all(seed)
    tr_ids, tr_tt, y = d[f"train/{v}"]["input_ids"], d[f"train/{v}"]["token_type_ids"], d["train/y"]
    dv_ids, dv_tt, dy = d[f"dev/{v}"]["input_ids"], d[f"dev/{v}"]["token_type_ids"], d["dev/y"]
    limit = cfg.get("limit")
    rows = list(range(len(y)))[: limit or None]
    if cfg.get("real_only"):
        rows = [i for i in rows if d["train/real"][i]]
    model = build(cfg, dev)
    from transformers import get_linear_schedule_with_warmup
    opt = torch.optim.AdamW(param_groups(model, cfg), lr=cfg["lr"])
    bs = cfg["bs"]; rng = random.Random(seed)
    steps = cfg["epochs"] * math.ceil(len(rows) / bs)
    sch = get_linear_schedule_with_warmup(opt, int(cfg["warm"] * steps), steps)
    w = None
    if cfg.get("cw"):
        cnt = np.bincount([y[i] for i in rows], minlength=3); w = torch.tensor(len(rows) / (3 * cnt), dtype=torch.float, device=dev) ** cfg["cw"]
    lossf = torch.nn.CrossEntropyLoss(weight=w, label_smoothing=cfg.get("ls", 0.0))
    lengths = [len(tr_ids[i]) for i in rows]
    yt = torch.tensor(y, device=dev)
    hist, probs_by_epoch = [], []
    t0 = time.time()
    for ep in range(cfg["epochs"]):
        model.train()
        for b in bucketed(lengths, bs, rng):
            idx = [rows[j] for j in b]
            a, t, m = collate(tr_ids, tr_tt, idx, dev)
            with torch.autocast(device_type=dev.type, dtype=torch.bfloat16):
                logits = model(a, t, m)
            loss = lossf(logits.float(), yt[idx])
            loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step(); sch.step(); opt.zero_grad(set_to_none=True)
        model.eval(); out = np.zeros((len(dy), 3), np.float32)
        order = sorted(range(len(dy)), key=lambda j: len(dv_ids[j]))
        with torch.no_grad():
            for i in range(0, len(order), 128):
                idx = order[i:i + 128]; a, t, m = collate(dv_ids, dv_tt, idx, dev)
                with torch.autocast(device_type=dev.type, dtype=torch.bfloat16):
                    out[idx] = torch.softmax(model(a, t, m).float(), -1).cpu().numpy()
        hist.append(round(macro_f1(dy, out.argmax(1)), 4)); probs_by_epoch.append(out)
    best = int(np.argmax(hist))
    return {"name": cfg["name"], "seed": seed, "dev": hist, "best_epoch": best + 1, "best": hist[best],
            "last": hist[-1], "secs": round(time.time() - t0, 1)}, probs_by_epoch


BASE = {"lr": 5e-5, "epochs": 2, "bs": 16, "wd": 0.01, "warm": 0.1, "variant": "ctx128"}
CONFIGS = [
    dict(name="base"),
    dict(name="none128", variant="none128", epochs=3),
    dict(name="lr3e-5", lr=3e-5),
    dict(name="lr8e-5", lr=8e-5),
    dict(name="lr3e-5_e4", lr=3e-5, epochs=4),
    dict(name="e4", epochs=4),
    dict(name="lr2e-5_e6", lr=2e-5, epochs=6),
    dict(name="ls0.1", ls=0.1),
    dict(name="llrd0.8_lr1e-4", lr=1e-4, llrd=0.8, epochs=3),
    dict(name="mean", pool="mean"),
    dict(name="mean_e3", pool="mean", epochs=3),
    dict(name="ctx192", variant="ctx192"),
    dict(name="bs32_lr1e-4", bs=32, lr=1e-4, epochs=3),
    dict(name="bs8_lr3e-5", bs=8, lr=3e-5),
    dict(name="cw0.5", cw=0.5),
    dict(name="cw1", cw=1.0),
    dict(name="drop0.2_e3", dropout=0.2, epochs=3),
    dict(name="warm0", warm=0.0),
    dict(name="real_only_e3", real_only=True, epochs=3),
    dict(name="mean_ls_e3", pool="mean", ls=0.1, epochs=3),
]


def main():
    seeds = [int(s) for s in os.environ.get("SEEDS", "13,1,2,3,4").split(",")]
    workers = int(os.environ.get("WORKERS", "6")); deadline = time.time() + float(os.environ.get("BUDGET", "330"))
    only = os.environ.get("ONLY"); extra = json.loads(os.environ.get("EXTRA", "{}"))
    cfgs = [{**BASE, **c, **extra} for c in CONFIGS if not only or c["name"] in only.split(",")]
    jobs = [(c, s) for s in seeds for c in cfgs]
    os.makedirs(OUT, exist_ok=True)
    res_path = os.path.join(OUT, "results.jsonl"); probs = {}
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers) as pool, open(res_path, "a") as f:
        it = pool.imap_unordered(run, jobs)
        done = 0
        while done < len(jobs):
            try:
                rec, pe = it.next(timeout=max(1.0, deadline - time.time()))
            except (mp.TimeoutError, StopIteration):
                print("deadline: stopping with", done, "of", len(jobs)); break
            done += 1; f.write(json.dumps(rec) + "\n"); f.flush(); print(json.dumps(rec), flush=True)
            for e, p in enumerate(pe):
                probs[f"{rec['name']}|{rec['seed']}|{e + 1}"] = p.astype(np.float16)
            if done % 10 == 0:
                np.savez_compressed(os.path.join(OUT, "probs.npz"), **probs)
        pool.terminate()
    np.savez_compressed(os.path.join(OUT, "probs.npz"), **probs)
    np.save(os.path.join(OUT, "dev_y.npy"), np.array(data()["dev/y"]))


def summarise(paths):
    import collections
    rows = [json.loads(line) for p in paths for line in open(p)]
    by = collections.defaultdict(list)
    for r in rows:
        by[r["name"]].append(r)
    base = np.mean([r["best"] for r in by["base"]]) if "base" in by else None
    print("config | runs | real dev macro-F1 (best epoch), mean | sd | vs base | best epochs")
    for name, runs in sorted(by.items(), key=lambda kv: -np.mean([r["best"] for r in kv[1]])):
        b = [r["best"] for r in runs]
        diff = f"{np.mean(b) - base:+.4f}" if base is not None else ""
        print(f"{name} | {len(runs)} | {np.mean(b):.4f} | {np.std(b):.4f} | {diff} | {[r['best_epoch'] for r in runs]}")


def ensemble(result_paths, min_seeds=5):
    """Macro-F1 of the mean dev probabilities over all seeds of each configuration run with at
    least ``min_seeds`` seeds, at its most common best epoch (``probs.npz`` and ``dev_y.npy``
    beside each results file)."""
    import collections
    probs, rows = {}, []
    for p in result_paths:
        d = os.path.dirname(p) or "."
        if not os.path.exists(os.path.join(d, "probs.npz")):
            return  # recorded results keep the table, not the probabilities
        probs.update(dict(np.load(os.path.join(d, "probs.npz"))))
        y = np.load(os.path.join(d, "dev_y.npy"))
        rows += [json.loads(line) for line in open(p)]
    by = collections.defaultdict(list)
    for r in rows:
        by[r["name"]].append(r)
    for name, runs in by.items():
        if len(runs) < min_seeds:
            continue
        epoch = collections.Counter(r["best_epoch"] for r in runs).most_common(1)[0][0]
        mean = np.mean([probs[f"{name}|{r['seed']}|{epoch}"].astype(np.float32) for r in runs], 0)
        print(f"ensemble of {len(runs)} seeds | {name} epoch {epoch} | {macro_f1(y, mean.argmax(1)):.4f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["summarise"]:
        summarise(sys.argv[2:])
        ensemble(sys.argv[2:])
    else:
        main()
