"""BERT for sequence classification that reads the mean of the token vectors.

``transformers``' ``BertForSequenceClassification`` classifies BERT's pooled first token (a dense
layer and tanh over ``[CLS]``). all-MiniLM-L6-v2 was trained by sentence-transformers with the
*mean* of its token vectors as the sentence vector; its ``[CLS]`` pooler was never trained for
that. Reading the masked mean instead won on real dev in a multi-seed sweep (README, round 4).
The class is claimsift's own, so loading it never resolves code from a model directory.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import BertModel, BertPreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

__all__ = ["BertMeanPoolForSequenceClassification", "masked_mean"]


def masked_mean(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``hidden`` ``(batch, length, dim)`` over positions where ``attention_mask`` is 1,
    summed in float32 (bf16 sums of 100+ vectors lose digits); returns ``(batch, dim)`` float32."""
    mask = attention_mask.unsqueeze(-1).to(torch.float32)
    return (hidden.float() * mask).sum(1) / mask.sum(1).clamp(min=1.0)


class BertMeanPoolForSequenceClassification(BertPreTrainedModel):
    """A BERT encoder (no pooler), the masked mean of its last layer, dropout and a linear layer.

    Args:
        config: a ``BertConfig`` with ``num_labels`` set.

    ``forward`` takes ``input_ids``, ``attention_mask``, ``token_type_ids`` and optional
    ``labels`` (cross-entropy loss), and returns a ``SequenceClassifierOutput`` like
    ``BertForSequenceClassification``, so training and inference code treat both alike.
    """

    def __init__(self, config):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config, add_pooling_layer=False)
        dropout = config.classifier_dropout if config.classifier_dropout is not None else config.hidden_dropout_prob
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None, **kwargs):
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).last_hidden_state
        pooled = masked_mean(hidden, attention_mask).to(self.classifier.weight.dtype)
        logits = self.classifier(self.dropout(pooled))
        loss = None
        if labels is not None:
            loss = nn.functional.cross_entropy(logits.float().view(-1, self.num_labels), labels.view(-1))
        return SequenceClassifierOutput(loss=loss, logits=logits)
