"""What the server, the session factory (the zygote) and a session process share: the wire
format, the limits, and how a session says it ran out of memory.

Protocol: an AF_UNIX SOCK_SEQPACKET connection per session, JSON messages.
  client -> zygote  {"kind": "tty" | "pipe", "env": {...}, "profile": "..."} with file
                    descriptors: a pty slave ("tty"), or stdin, stdout, stderr ("pipe")
  zygote -> client  {"pid": N}, later {"exit": status} (EXIT_MEMORY: it ran out of memory)
  client -> zygote  {"signal": "TERM"}: ask the session to end (it saves and quits)
  client -> zygote  {"notice": "text"}: shown to the reader (a notification in the app)
  client closes     the session gets SIGHUP, and SIGKILL if it is still there after GRACE s.
The server holds a second socket to the zygote, the control socket: see sessions.py.

Kept apart (and free of imports from the rest of the package) so that the session's app
(session_app.py), the zygote and the server's side import it without importing each other.
"""

from __future__ import annotations

import json
import resource
import socket
from dataclasses import dataclass

GRACE = 5.0
"""Seconds a session has to save and quit after SIGHUP or SIGTERM before it is killed."""
MAX_MESSAGE = 65536
EXIT_MEMORY = 86
"""A session's exit status when it ran out of its memory (RLIMIT_AS: a MemoryError)."""
MEMORY_HEADROOM = 8 * 1024 * 1024
"""Bytes below its address-space limit at which a session counts as having run out of memory."""


def caused_by_memory(error: BaseException | None) -> bool:
    """A MemoryError, or an error raised while handling one: Pygments, for one, turns a
    MemoryError while compiling a lexer's patterns into a ValueError."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, MemoryError):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def ran_out_of_memory(error: BaseException | None) -> bool:
    """Whether a session's error means it ran out of memory: caused by a MemoryError, or any
    error once the process came within MEMORY_HEADROOM of its address-space limit. A C
    extension whose allocation fails may raise SystemError ("error return without exception
    set") instead of MemoryError: Rich's rendering did, under a 1 MB limit."""
    if error is None:
        return False
    return caused_by_memory(error) or reached_memory_limit()


def reached_memory_limit() -> bool:
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return False
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            peak = next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmPeak:")), 0)
    except OSError:
        return False
    return peak >= soft - MEMORY_HEADROOM


@dataclass(frozen=True)
class Limits:
    """Per-session resource limits (setrlimit in the session process). 0 turns one off."""

    memory_mb: int = 1024
    """Address space a session may add to what it starts with (the shared archive included)."""
    cpu_seconds: int = 3600
    """CPU time over the whole session: reading uses seconds an hour; a runaway loop stops."""
    open_files: int = 256
    file_mb: int = 64
    """Largest file a session may write (its reading state is a few hundred KB at most)."""


def send(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.send(data)


RESIZE_EVERY = 0.05
"""Seconds between two terminal size changes passed on to a session, SSH or web (the last of
a burst wins): each redraws the whole screen, and 60,000 kept a session busy for seconds."""
