"""A second process that checks half of a long run of texts, so that both cores do.

Proving that a long term is in each of 60,000 candidate texts is a `find` per text (or a
`count`, for sort:relevance), and neither lets go of the GIL: a thread would not help. The
texts of a cache lie in one file, mapped; this process maps the same file and takes half of
the texts while the searching thread does the other half.

Only a file it can vouch for is read: the request names the file by path, device and inode,
and a file replaced since (a cache written anew) is refused, and so are texts not in a file
(posts added since the cache was read). Whatever goes wrong, the caller checks every text
itself; the answer never depends on this process.
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
from array import array
from collections.abc import Callable, Sequence
from itertools import repeat
from pathlib import Path
from typing import IO, Any

SHARED_FROM = 2048
"""Texts below which one thread checks them all: handing half over costs ~0.3 ms, and 1,024
texts take 1-3 ms."""
_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


Source = tuple[str, int, int, int]
"""A mapped file: (path, device, inode, length mapped)."""


class SourcedMap(mmap.mmap):
    """A read-only map of a file that knows which file it is, and how much of it it maps."""

    source: Source | None = None
    reader: Any = None
    """The file, open: a few texts far apart are read from it (text_match.READ_BELOW), not
    through the map, where each page touched maps the kernel's whole folio around it (at 100k
    posts, 256 texts in list order mapped 139 MB; at a million, typing `linux` 1.53 GB -> 863 MB)."""


def map_file(file: Any, length: int = 0) -> SourcedMap:
    """A map of the first `length` bytes (0: all) of an open file."""
    mapped = SourcedMap(file.fileno(), length, access=mmap.ACCESS_READ)
    status = os.fstat(file.fileno())
    mapped.source = (os.path.abspath(file.name), status.st_dev, status.st_ino, len(mapped))
    mapped.reader = os.fdopen(os.dup(file.fileno()), "rb", buffering=0)  # (closed with the map)
    return mapped


def source_of(blob: object) -> Source | None:
    return getattr(blob, "source", None)


def moved_to(blob: object, path: Path) -> None:
    """The mapped file now lies at `path` (renamed: the same file, if its inode says so)."""
    source = source_of(blob)
    if source is None or not isinstance(blob, SourcedMap):
        return
    try:
        status = os.stat(path)
    except OSError:
        return
    if (status.st_dev, status.st_ino) == source[1:3]:
        blob.source = (str(path), *source[1:])


class TextHelper:
    """The helper process, started on first use and used once it says it is ready; one request
    at a time (a search that finds it busy goes alone)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = 0  # the process that started it (a forked reader session starts its own)
        self._ready = False
        self._failed = False
        self.answered = 0
        """Requests the helper answered (for the tests and the benchmarks)."""

    def split(
        self,
        blob: object,
        term: bytes,
        starts: Sequence[int],
        ends: Sequence[int],
        counting: bool,
        local: Callable[[Sequence[int], Sequence[int]], list[int]],
    ) -> list[int]:
        """`local(starts, ends)` for every text, the first half of them done by the helper
        when it can: a find's position (or a count) per text, as `local` gives them."""
        source = source_of(blob)
        if len(starts) < SHARED_FROM or source is None or self._failed or _CORES < 2:
            return local(starts, ends)
        if not self._lock.acquire(blocking=False):
            return local(starts, ends)
        try:
            process = self._ready_process()
            if process is None:
                return local(starts, ends)
            half = len(starts) // 2
            request = (source, term, counting, array("q", starts[:half]), array("q", ends[:half]))
            try:
                _send(process, pickle.dumps(request))
            except (OSError, ValueError):
                self._stop(failed=True)
                return local(starts, ends)
            try:
                second = local(starts[half:], ends[half:])
                answer = _receive(process, ANSWER_WITHIN)
            except (OSError, ValueError, EOFError):
                self._stop(failed=True)
                return local(starts, ends)
            except BaseException:  # its answer would be read as the next request's: it goes
                self._stop(failed=True)
                raise
            if not answer:  # not the file named: replaced or grown since
                return local(starts[:half], ends[:half]) + second
            if len(answer) != 8 * half:
                self._stop(failed=True)
                return local(starts, ends)
            first = array("q")
            first.frombytes(answer)
            self.answered += 1
            return first.tolist() + second
        finally:
            self._lock.release()

    def _ready_process(self) -> subprocess.Popen[bytes] | None:
        """The helper once it is up; until then None (it starts in the background: the search
        that starts it goes alone rather than wait)."""
        if self._owner != os.getpid():  # inherited by a fork: the parent's own, let go here
            if self._process is not None:  # its pipes now lead nowhere (the numbers stay taken)
                nowhere = os.open(os.devnull, os.O_RDWR)
                for pipe in (self._process.stdin, self._process.stdout):
                    if pipe is not None:
                        os.dup2(nowhere, pipe.fileno())
                os.close(nowhere)
            self._process, self._ready = None, False
            self._start()
            return None
        if not self._ready and self._process is not None:
            try:
                self._ready = _readable(self._process, 0) and _receive(self._process, 0) == READY
            except (OSError, ValueError, EOFError):
                self._stop(failed=True)
        return self._process if self._ready else None

    def _start(self) -> None:
        self._owner = os.getpid()
        package_parent = str(Path(__file__).resolve().parent.parent.parent)
        code = f"import sys; sys.path.insert(0, {package_parent!r}); from tui.archive.text_helper import serve; serve()"
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-c", code],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        except Exception:  # no interpreter to start, no process left: the searches go alone
            self._failed = True

    def _stop(self, failed: bool = False) -> None:
        self._failed = self._failed or failed
        process, self._process, self._ready = self._process, None, False
        if process is not None:
            process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                try:
                    if pipe is not None:
                        pipe.close()
                except OSError:  # what was still to be written to a helper that is gone
                    pass

    def ready(self) -> bool:
        """Whether the helper is up and answering (starting it if need be)."""
        with self._lock:
            if self._failed:
                return False
            if self._process is None and self._owner == os.getpid():
                self._start()
            return self._ready_process() is not None

    def close(self) -> None:
        with self._lock:
            self._stop()


READY = b"postshelf text helper ready"
MAX_MESSAGE = 1 << 30
ANSWER_WITHIN = 30.0
"""Seconds the helper may take over its half (it takes what the caller takes over the other)."""
_LENGTH = struct.Struct("<Q")


def _send(process: subprocess.Popen[bytes], message: bytes) -> None:
    assert process.stdin is not None
    process.stdin.write(_LENGTH.pack(len(message)) + message)
    process.stdin.flush()


def _readable(process: subprocess.Popen[bytes], timeout: float) -> bool:
    assert process.stdout is not None
    poller = select.poll()  # (not select.select: it cannot wait on a descriptor past 1023)
    poller.register(process.stdout.fileno(), select.POLLIN)
    return bool(poller.poll(timeout * 1000))


def _receive(process: subprocess.Popen[bytes], timeout: float) -> bytes:
    """One message; OSError when none comes within `timeout` seconds, EOFError at the end."""
    if not _readable(process, timeout):
        raise OSError("the text helper did not answer")
    assert process.stdout is not None
    return _read_message(process.stdout)


def _read_message(stream: IO[bytes]) -> bytes:
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        raise EOFError
    (length,) = _LENGTH.unpack(header)
    if length > MAX_MESSAGE:
        raise ValueError("not a message of the text helper")
    message = stream.read(length)
    if len(message) < length:
        raise EOFError
    return message


def serve() -> None:
    """The helper's loop, on its stdin and stdout: a request in, the finds or counts (or b""
    for a file it refuses) out; it ends with its stdin."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C for the terminal is the app's to answer
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    mapped: dict[Source, mmap.mmap] = {}

    def send(message: bytes) -> None:
        answers.write(_LENGTH.pack(len(message)) + message)
        answers.flush()

    send(READY)
    while True:
        try:
            request = _read_message(requests)
        except (EOFError, OSError):
            return
        source, term, counting, starts, ends = pickle.loads(request)
        blob = mapped.get(source)
        if blob is None:
            blob = _open(source)
            if blob is not None:
                mapped.clear()  # an older map (a cache replaced, a spill grown) is not read again
                mapped[source] = blob
        if blob is None:
            send(b"")
            continue
        if counting:
            pieces = map(blob.__getitem__, map(slice, starts, ends))
            answer = array("q", map(bytes.count, pieces, repeat(term)))
        else:
            answer = array("q", map(blob.find, repeat(term), starts, ends))
        send(answer.tobytes())


def _open(source: Source) -> mmap.mmap | None:
    path, device, inode, length = source
    try:
        with open(path, "rb") as file:
            status = os.fstat(file.fileno())
            if (status.st_dev, status.st_ino) != (device, inode) or not 0 < length <= status.st_size:
                return None
            return mmap.mmap(file.fileno(), length, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None


HELPER = TextHelper()
"""The process's one helper (searches of every archive share it)."""
