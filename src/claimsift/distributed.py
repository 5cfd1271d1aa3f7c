"""Data-parallel training through Hugging Face Accelerate: one code path on one CPU or many GPUs.

``transformer.train`` calls :func:`setup` and then goes through the returned :class:`Parallel`
for the few steps that differ between one process and several: preparing model and optimizer
(DDP wrapping under ``accelerate launch --multi_gpu``; bf16 autocast with
``--mixed_precision bf16``), the backward pass, gradient clipping, and the shard of each epoch's
shuffled order that this process trains on. Run plainly (``python -m ...``) it is one process
and training is what it was without Accelerate. Without the ``[train]`` extra it falls back to
plain torch on the given device.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

__all__ = ["Parallel", "setup", "is_main_process"]


@dataclass
class Parallel:
    """This process's place in the job and the Accelerate calls it needs (None: plain torch)."""

    accelerator: Any | None
    device: torch.device
    rank: int = 0
    world: int = 1

    @property
    def is_main(self) -> bool:
        """True on the process that saves the model and writes files."""
        return self.rank == 0

    def prepare(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> tuple[Any, Any]:
        """Place and wrap model and optimizer for this job (no-op without Accelerate)."""
        if self.accelerator is None:
            return model, optimizer
        return self.accelerator.prepare(model, optimizer)

    def backward(self, loss: torch.Tensor) -> None:
        if self.accelerator is None:
            loss.backward()
        else:
            self.accelerator.backward(loss)

    def clip_grad_norm_(self, parameters: Iterable[torch.nn.Parameter], max_norm: float) -> None:
        if self.accelerator is None:
            torch.nn.utils.clip_grad_norm_(parameters, max_norm)
        else:
            self.accelerator.clip_grad_norm_(parameters, max_norm)

    def shard_size(self, n: int) -> int:
        """Examples each process trains on per epoch when there are ``n`` in all."""
        return -(-n // self.world)

    def shard(self, order: Sequence[int]) -> list[int]:
        """This process's share of an epoch's order (every process shuffles with the same seed).

        Shares are equal in length, as DDP needs every process to take the same number of steps:
        like ``DistributedSampler``, the order is padded by wrapping around. One process: ``order``.
        """
        if self.world == 1:
            return list(order)
        size = self.shard_size(len(order))
        padded = list(order) + list(order[: size * self.world - len(order)])
        return padded[self.rank :: self.world]

    def unwrap(self, model: torch.nn.Module) -> torch.nn.Module:
        """The bare model (no DDP wrapper), for evaluation, state dicts and ``save_pretrained``."""
        return model if self.accelerator is None else self.accelerator.unwrap_model(model)

    def wait(self) -> None:
        """Barrier: every process waits until all reach it (no-op for one process)."""
        if self.accelerator is not None:
            self.accelerator.wait_for_everyone()


def setup(device: torch.device) -> Parallel:
    """An ``Accelerator`` configured by ``accelerate launch`` (or one process on ``device``'s
    kind when run plainly); plain torch on ``device`` when accelerate is not installed."""
    try:
        from accelerate import Accelerator
    except ImportError:
        return Parallel(None, device)
    acc = Accelerator(cpu=device.type == "cpu")  # `accelerate launch --cpu` also forces CPU
    return Parallel(acc, acc.device, acc.process_index, acc.num_processes)


def is_main_process() -> bool:
    """True unless this is a non-zero rank of a multi-process ``accelerate launch`` job."""
    try:
        from accelerate import PartialState
    except ImportError:
        return True
    return PartialState().is_main_process
