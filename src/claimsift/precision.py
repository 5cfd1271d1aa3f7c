"""Which numeric precision transformer inference runs at, and what this machine supports.

Kept free of torch imports so the CLI can validate ``--precision`` before loading anything.
"""

from __future__ import annotations

__all__ = ["PRECISIONS", "cpu_supports_bf16", "resolve_precision"]

PRECISIONS = ("auto", "fp32", "bf16")
"""Values accepted for ``precision``; ``auto`` resolves with :func:`resolve_precision`.

int8 (dynamic quantisation or ONNX Runtime) is not offered: see README, Benchmarks."""


def cpu_supports_bf16() -> bool:
    """True when this CPU has native bfloat16 matrix instructions (AMX-BF16 or AVX512-BF16).

    Without them oneDNN emulates bf16, which is slower than fp32, so ``auto`` must not pick it.
    Read from ``/proc/cpuinfo`` (Linux); elsewhere False.
    """
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return bool(set(line.split(":", 1)[1].split()) & {"amx_bf16", "avx512_bf16"})
    except OSError:
        pass
    return False


def resolve_precision(precision: str, gpu: bool) -> str:
    """``auto`` → ``bf16`` on a GPU or a bf16-capable CPU, else ``fp32``; others pass through.

    Raises:
        ValueError: ``precision`` is not one of :data:`PRECISIONS`.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r} (one of {', '.join(PRECISIONS)})")
    if precision != "auto":
        return precision
    return "bf16" if gpu or cpu_supports_bf16() else "fp32"
