"""An inference-only forward pass of a BERT sequence classifier, written for small CPU batches.

:class:`LeanBert` reads the weights of a loaded ``transformers`` ``BertForSequenceClassification``
or of claimsift's mean-pooling variant (:mod:`claimsift.meanpool`); nothing is written, nothing is
retrained. It computes the same logits with fewer operations and less Python per layer: Q, K and V
come from one fused linear layer, and attention is two batched matmuls around a float32 softmax.
For claimsift's MiniLM (12 heads of 32) on a batch of 64 news sentences of about 30 tokens, one
layer's attention from the fused Q/K/V output took 4.4 ms with ``scaled_dot_product_attention``,
6.7 ms the eager ``transformers`` way (its bf16 softmax over rows of 30 is slow) and 2.3 ms here
(bf16, one thread of the 2-core Sapphire Rapids, best of 40 while other jobs loaded it).
Whole-pipeline figures: ``bench/throughput.py``.

Only the plain architecture is accepted (:func:`supports`): absolute positions, erf GELU, no
decoder parts. Anything else keeps the ``transformers`` forward.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from claimsift.meanpool import masked_mean

__all__ = ["LeanBert", "supports"]


_POOLED = "BertForSequenceClassification"            # pooled first token (dense + tanh)
_MEAN = "BertMeanPoolForSequenceClassification"      # claimsift.meanpool: mean of the tokens


def supports(model) -> bool:
    """True when ``model`` is a ``BertForSequenceClassification`` or a
    ``claimsift.meanpool.BertMeanPoolForSequenceClassification`` that :class:`LeanBert` reproduces."""
    cfg = model.config
    name = type(model).__name__
    return (
        name in (_POOLED, _MEAN)
        and cfg.model_type == "bert"
        and getattr(cfg, "position_embedding_type", "absolute") == "absolute"
        and cfg.hidden_act == "gelu"
        and not getattr(cfg, "is_decoder", False)
        and not getattr(cfg, "add_cross_attention", False)
        and cfg.hidden_size % cfg.num_attention_heads == 0
        and (name == _MEAN or getattr(model.bert, "pooler", None) is not None)
    )


class LeanBert:
    """The logits of a BERT classifier (:func:`supports`), in its weights' dtype (fp32 or bf16).

    Args:
        model: the loaded model, in eval mode, on the CPU; :func:`supports` must be true.

    Call it with ``input_ids``, ``attention_mask`` (1 for tokens, 0 for padding) and optionally
    ``token_type_ids``, each ``(batch, length)`` ``torch.long``; it returns ``(batch, labels)``
    logits.
    """

    def __init__(self, model):
        if not supports(model):
            raise ValueError(f"{type(model).__name__} ({model.config.model_type}) is not a plain BERT classifier")
        cfg = model.config
        bert = model.bert
        emb = bert.embeddings
        self.heads = cfg.num_attention_heads
        self.head_dim = cfg.hidden_size // cfg.num_attention_heads
        self.eps = cfg.layer_norm_eps
        self.word = emb.word_embeddings.weight.detach()
        self.position = emb.position_embeddings.weight.detach()
        self.token_type = emb.token_type_embeddings.weight.detach()
        self.emb_norm = (emb.LayerNorm.weight.detach(), emb.LayerNorm.bias.detach())
        self.layers = []
        for layer in bert.encoder.layer:
            att = layer.attention
            q, k, v = att.self.query, att.self.key, att.self.value
            self.layers.append((
                # One (3 x hidden) linear layer instead of three: one GEMM, one weight read.
                torch.cat([q.weight, k.weight, v.weight]).detach().contiguous(),
                torch.cat([q.bias, k.bias, v.bias]).detach().contiguous(),
                att.output.dense.weight.detach(), att.output.dense.bias.detach(),
                (att.output.LayerNorm.weight.detach(), att.output.LayerNorm.bias.detach()),
                layer.intermediate.dense.weight.detach(), layer.intermediate.dense.bias.detach(),
                layer.output.dense.weight.detach(), layer.output.dense.bias.detach(),
                (layer.output.LayerNorm.weight.detach(), layer.output.LayerNorm.bias.detach()),
            ))
        self.mean_pool = type(model).__name__ == _MEAN
        self.pooler = None if self.mean_pool else (bert.pooler.dense.weight.detach(), bert.pooler.dense.bias.detach())
        self.classifier = (model.classifier.weight.detach(), model.classifier.bias.detach())
        self.dtype = self.word.dtype

    def _norm(self, x: torch.Tensor, wb: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        return F.layer_norm(x, (x.shape[-1],), wb[0], wb[1], self.eps)

    def _attention(self, qkv: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, n, _ = qkv.shape
        # One copy into (3, batch, heads, length, head_dim): the matmuls then read contiguous blocks.
        q, k, v = qkv.view(b, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4).contiguous().unbind(0)
        # Scores in the weights' dtype (bf16 on AMX), softmax in float32 over the whole block.
        scores = torch.matmul(q, k.transpose(-1, -2)).float().mul_(self.head_dim ** -0.5).add_(bias)
        probs = torch.softmax(scores, dim=-1).to(v.dtype)
        return torch.matmul(probs, v).transpose(1, 2).reshape(b, n, self.heads * self.head_dim)

    @torch.inference_mode()
    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                 token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
        n = input_ids.shape[1]
        # The order of the sums is the library's: it decides the bf16 rounding.
        x = self.word[input_ids] + (self.token_type[token_type_ids] if token_type_ids is not None
                                    else self.token_type[0])
        x = x + self.position[:n]
        x = self._norm(x, self.emb_norm)
        # Additive key mask, (batch, 1, 1, length): padding keys get -inf before the softmax.
        bias = torch.zeros(attention_mask.shape, dtype=torch.float32)
        bias.masked_fill_(attention_mask == 0, float("-inf"))
        bias = bias[:, None, None, :]
        for wqkv, bqkv, wo, bo, norm1, w1, b1, w2, b2, norm2 in self.layers:
            x = self._norm(x + F.linear(self._attention(F.linear(x, wqkv, bqkv), bias), wo, bo), norm1)
            x = self._norm(x + F.linear(F.gelu(F.linear(x, w1, b1)), w2, b2), norm2)
        if self.mean_pool:  # the model's own pooling: float32 sum, then the weights' dtype
            pooled = masked_mean(x, attention_mask).to(self.dtype)
        else:
            pooled = torch.tanh(F.linear(x[:, 0], *self.pooler))
        return F.linear(pooled, *self.classifier)
