"""A session process: what a child of the zygote does to become one reader's postshelf (its
own session and terminal, the reader's environment, resource limits), then runs the app."""

from __future__ import annotations

import fcntl
import mmap
import os
import resource
import socket
import sys
import termios
from pathlib import Path

from .session_protocol import Limits

KEPT_ENVIRONMENT = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "TZ",
    "TMPDIR",
    "POSTSHELF_CACHE_DIR",
    "POSTSHELF_DATA_DIR",
    "POSTSHELF_CONFIG",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
)
"""What a session keeps of the server's environment: where settings and state live. Not
DISPLAY, SSH_AUTH_SOCK or the like: nothing of the server's desktop or agent."""


def run_session(
    archive, roots: list[Path], request: dict, fds: list[int], limits: Limits, notify: socket.socket | None = None
) -> int:
    """Become the reader's process: own session and terminal, their environment, limits; run."""
    os.setsid()  # its own process group: the zygote can signal the session and all it started
    if request["kind"] == "tty":
        (slave,) = fds
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        targets = [slave, slave, slave]
    else:
        targets = list(fds)
    for number, fd in enumerate(targets):
        os.dup2(fd, number)
    for fd in set(fds):
        if fd > 2:
            os.close(fd)
    _standard_streams()
    environment = {name: os.environ[name] for name in KEPT_ENVIRONMENT if name in os.environ}
    environment.update({str(k): str(v) for k, v in dict(request.get("env", {})).items()})
    os.environ.clear()
    os.environ.update(environment)
    apply_limits(limits)
    if limits.memory_mb and not _room_to_start():
        raise MemoryError("the memory limit leaves no room to start")
    from .session_app import run_app

    return run_app(
        archive, roots, profile=str(request.get("profile", "anonymous")), web=request["kind"] == "pipe", messages=notify
    )


_replaced_streams: list = []
"""The server's sys.std* objects: kept alive, as collecting one would close its fd (now ours)."""


def _standard_streams() -> None:
    """Fresh sys.std* over the new fds 0-2, in UTF-8 whatever the server's locale was."""
    for number, name in enumerate(("stdin", "stdout", "stderr")):
        _replaced_streams.append(getattr(sys, f"__{name}__"))
        _replaced_streams.append(getattr(sys, name))
        stream = open(
            number,
            "r" if number == 0 else "w",
            encoding="utf-8",
            closefd=False,
            errors="surrogateescape" if number == 0 else "replace",
            buffering=-1 if number == 0 else 1,
        )
        setattr(sys, f"__{name}__", stream)
        setattr(sys, name, stream)


_ROOM_TO_START = 32 * 1024 * 1024
"""Address space a session needs beyond what it inherits just to start: the app's threads
(8 MB of stack each) and its first screen."""


def _room_to_start() -> bool:
    """Whether the memory limit leaves a session room to start. Without it, the first thread
    the app starts could fail its first allocation and die before saying it runs, and
    threading.Thread.start waits for that with no timeout: the session would hang, and its
    reader wait forever, instead of being told it ran out of memory."""
    try:
        mmap.mmap(-1, _ROOM_TO_START).close()  # reserved, never touched
    except (OSError, MemoryError):
        return False
    return True


def _mapped_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_limits(limits: Limits) -> None:
    """setrlimit, never above a hard limit already set for the server."""

    def limit(kind: int, value: int, hard_extra: int = 0) -> None:
        _, hard = resource.getrlimit(kind)
        wanted_hard = value + hard_extra
        if hard != resource.RLIM_INFINITY:
            wanted_hard = min(wanted_hard, hard)
            value = min(value, hard)
        resource.setrlimit(kind, (value, wanted_hard))

    limit(resource.RLIMIT_CORE, 0)  # no core files full of archive text and others' keys
    if limits.memory_mb:
        try:
            mapped = _mapped_bytes()
        except OSError:
            mapped = 0
        if mapped:
            limit(resource.RLIMIT_AS, mapped + limits.memory_mb * 1024 * 1024)
    if limits.cpu_seconds:
        limit(resource.RLIMIT_CPU, limits.cpu_seconds, hard_extra=5)  # SIGXCPU, then SIGKILL
    if limits.open_files:
        limit(resource.RLIMIT_NOFILE, limits.open_files)
    if limits.file_mb:
        limit(resource.RLIMIT_FSIZE, limits.file_mb * 1024 * 1024)
