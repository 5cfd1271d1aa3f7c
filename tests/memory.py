"""Peak Python memory of a call, for the tests that check streaming keeps memory flat."""

import tracemalloc


def traced_peak(fn) -> int:
    """Bytes at the peak of Python allocations while ``fn()`` runs (``tracemalloc``)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
