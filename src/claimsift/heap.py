"""Give freed heap memory back to the operating system (glibc only; a no-op elsewhere).

Scoring a long document allocates and frees batches of many different shapes. glibc keeps the
freed blocks in its arenas, fragmented, so the resident size of a 10 MB ``classify`` crept up
window after window (1,306 MB peak for the transformer in ``bench/classify_memory.py``) although
nothing was still in use. ``malloc_trim(0)`` after each scored window returns them; it costs
microseconds when there is nothing to return.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

__all__ = ["release_free_memory"]


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
        return None


def release_free_memory() -> None:
    """Return the C heap's free blocks to the OS where the C library can (glibc's ``malloc_trim``)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
