"""Reader sessions as processes forked from one that already holds the loaded archive.

Why a separate forking process (a "zygote") instead of forking the SSH server itself: the
server runs an event loop and holds the host key, the listening sockets and every reader's
connection; a child forked from it would inherit all of that. The zygote is forked right
after the archive is loaded and before any of it exists: one thread, no event loop, no key,
no sockets but its own. Its children share the archive's pages copy-on-write, so a session
starts in a fraction of a second and costs only the memory it changes.

Protocol: an AF_UNIX SOCK_SEQPACKET connection per session, JSON messages (session_protocol.py).
The server holds a second socket to the zygote, the control socket: when it closes (the
server stopped or was killed), the zygote ends every session and exits, so nothing outlives
the server. On it the server sends {"changed": [paths]} when files of the archive change
(watchfiles, as in the app): the zygote applies them to its archive (so new sessions start
with the current posts) and passes them to every session, which applies them to its own copy
and refreshes its list, as the local app does. Each session has a socket from the zygote for
these messages (changes, notices).

This module is the server's side (start the zygote, talk to it, clean up after a killed one);
zygote.py is the factory, session_process.py what each child does to become a reader's app.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .session_protocol import GRACE, MAX_MESSAGE, Limits, send
from .zygote import Zygote

FOLDER_PREFIX = "postshelf-serve-"


# ---------------------------------------------------------------- the server's side


class SessionFactory:
    """The server's handle on the zygote: where to connect, and how to stop it."""

    def __init__(self, pid: int, path: str, directory: str, control: socket.socket) -> None:
        self.pid = pid
        self.path = path
        self._directory = directory
        self._control = control

    def connect(self) -> socket.socket:
        """A new session channel (blocking connect: a Unix socket connects at once)."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        sock.connect(self.path)
        return sock

    def changed(self, paths: list[str]) -> None:
        """Files of the archive changed: the zygote applies them and tells every session."""
        chunk: list[str] = []
        size = 0
        for path in paths:
            if size + len(path) > MAX_MESSAGE // 2 and chunk:
                send(self._control, {"changed": chunk})
                chunk, size = [], 0
            chunk.append(path)
            size += len(path.encode("utf-8", "surrogateescape")) + 4
        if chunk:
            send(self._control, {"changed": chunk})

    def alive(self) -> bool:
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def close(self, timeout: float = GRACE + 2) -> None:
        """End every session and the zygote; waits for it (it waits for its sessions)."""
        self._control.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                break
            time.sleep(0.05)
        else:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        shutil.rmtree(self._directory, ignore_errors=True)


def remove_stale_folders(parent: str | None = None) -> list[str]:
    """Folders of servers that are gone (killed with their session factory): nobody listens on
    their socket any more. Only this user's; a folder made in the last minute is left alone."""
    parent = parent or tempfile.gettempdir()
    removed: list[str] = []
    try:
        names = [name for name in os.listdir(parent) if name.startswith(FOLDER_PREFIX)]
    except OSError:
        return removed
    for name in names:
        folder = os.path.join(parent, name)
        try:
            info = os.lstat(folder)
        except OSError:
            continue
        if not os.path.isdir(folder) or os.path.islink(folder) or info.st_uid != os.getuid():
            continue
        path = os.path.join(folder, "sessions")
        if not os.path.exists(path) and time.time() - info.st_mtime < 60:
            continue  # being made right now
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            probe.connect(path)
            continue  # a live server
        except OSError:
            pass
        finally:
            probe.close()
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def start_factory(archive, roots: list[Path], limits: Limits) -> SessionFactory:
    """Fork the zygote now (call before starting threads, loops or servers)."""
    directory = tempfile.mkdtemp(prefix=FOLDER_PREFIX)  # mode 0700: only this user
    path = os.path.join(directory, "sessions")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path)
    listener.listen(64)
    control, control_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the zygote
        status = 1
        try:
            control.close()
            status = Zygote(listener, control_child, archive, roots, limits).run()
            shutil.rmtree(directory, ignore_errors=True)  # also when the server was killed
        except BaseException:  # noqa: BLE001 - report, never return into the server's code
            traceback.print_exc()
        finally:
            os._exit(status)
    listener.close()
    control_child.close()
    return SessionFactory(pid, path, directory, control)
