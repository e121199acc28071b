"""Keeping freed memory for reuse in the loader processes, instead of handing it back at once.

Indexing a batch makes numpy arrays of 1 to 40 MB and frees them a moment later. glibc's
malloc maps each one above its threshold fresh from the kernel and unmaps it when freed, so
every batch faults its pages in again: 500k page faults and 2.2 s of system time for a cold
read of 100k posts. Allocations of up to 32 MB (the most glibc allows) kept in the heap, and
the heap not trimmed, make that 105k faults and 1.3 s: 5% off the cold read, for ~30 MB more
at the peak of a loader process. Elsewhere (another C library, no `mallopt`) nothing changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3
_SETTINGS = (
    (_M_MMAP_THRESHOLD, 32 * 1024 * 1024),
    (_M_TRIM_THRESHOLD, 1024 * 1024 * 1024),
    (_M_TOP_PAD, 64 * 1024 * 1024),
)


def keep_freed_memory() -> bool:
    """Tune this process's malloc as above; whether it could (glibc only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
        if not hasattr(libc, "gnu_get_libc_version"):
            return False  # musl's mallopt does nothing of the kind
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return all(mallopt(option, value) == 1 for option, value in _SETTINGS)
