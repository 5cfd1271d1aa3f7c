"""A transformer saved as the train stage saves one, for tests that load it (no training)."""

from pathlib import Path

import torch

from claimsift.labels import ID2LABEL, LABEL2ID, LABELS
from claimsift.modelmeta import write_metadata
from claimsift.transformer import ARCHITECTURES, base_model_path


def save_untrained_transformer(architecture: str, out: Path, params: dict):
    """The packaged MiniLM in ``architecture`` with a seeded, untrained 3-label head, saved to
    ``out`` (safetensors, tokenizer, sealed ``claimsift.json`` with ``params``); returns the model."""
    from transformers import AutoTokenizer

    torch.manual_seed(0)
    model = ARCHITECTURES[architecture]().from_pretrained(
        base_model_path(), num_labels=len(LABELS), id2label=dict(ID2LABEL), label2id=dict(LABEL2ID))
    model.save_pretrained(out, safe_serialization=True)
    AutoTokenizer.from_pretrained(base_model_path()).save_pretrained(out)
    data = out.parent / "train.jsonl"
    data.write_text("{}\n")
    write_metadata(out, "transformer", params, data)
    return model
