"""The session factory ("zygote"): a single-threaded process forked from the server right
after the archive is loaded, that forks one session process per reader.

It holds the archive and nothing else of the server's (no event loop, key or sockets but its
own), so its children share the archive's pages copy-on-write and start in a fraction of a
second. It ends every session and exits when the server's control socket closes.
"""

from __future__ import annotations

import gc
import json
import os
import selectors
import signal
import socket
import sys
import time
import traceback

from .logs import clean
from .session_process import run_session
from .session_protocol import EXIT_MEMORY, GRACE, MAX_MESSAGE, Limits, ran_out_of_memory, send


class ZygoteSession:
    """The zygote's record of one session: its client's connection, its process, when to kill it."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn: socket.socket | None = conn
        self.pid: int | None = None
        self.kill_at: float | None = None
        self.notify: socket.socket | None = None
        """The zygote's end of the session's message socket (changes, notices)."""


class Zygote:
    def __init__(self, listener, control, archive, roots, limits: Limits) -> None:
        self.listener = listener
        self.control = control
        self.archive = archive
        self.roots = roots
        self.limits = limits
        self.selector = selectors.DefaultSelector()
        self.sessions: dict[socket.socket, ZygoteSession] = {}
        self.by_pid: dict[int, ZygoteSession] = {}
        self.stopping = False

    def run(self) -> int:
        # Ctrl+C or a hang-up in the server's terminal reaches its whole process group: the
        # server decides, and closes the control socket when it is time to stop.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        gc.freeze()  # the archive's objects: never rescanned here or in sessions (fewer copied pages)
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.wake_w = wake_w
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.selector.register(self.control, selectors.EVENT_READ, "control")
        self.selector.register(self.wake_r, selectors.EVENT_READ, "wake")
        while True:
            deadlines = [s.kill_at for s in self.by_pid.values() if s.kill_at is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for key, _ in self.selector.select(timeout):
                if key.data == "accept":
                    self._accept()
                elif key.data == "control":
                    self._control()
                elif key.data == "wake":
                    try:
                        os.read(self.wake_r, 4096)
                    except BlockingIOError:
                        pass
                elif isinstance(key.fileobj, socket.socket):  # a session's connection
                    self._message(key.fileobj)
            self._reap()
            self._kill_overdue()
            if self.stopping and not self.by_pid:
                return 0

    def _accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        if self.stopping:
            conn.close()
            return
        self.sessions[conn] = ZygoteSession(conn)
        self.selector.register(conn, selectors.EVENT_READ, "session")

    def _control(self) -> None:
        """A message from the server (files changed), or its end (stop)."""
        try:
            data = self.control.recv(MAX_MESSAGE)
        except OSError:
            data = b""
        if not data:
            self._stop()
            return
        try:
            message = json.loads(data)
            paths = [str(path) for path in message.get("changed", [])]
        except (ValueError, AttributeError, TypeError):
            return
        if paths:
            self._apply_changes(paths)

    def _apply_changes(self, paths: list[str]) -> None:
        from ..archive.loader import apply_file_changes

        try:
            applied = apply_file_changes(self.archive, set(paths))
        except Exception as error:  # noqa: BLE001 - a file that cannot be read must not stop the zygote
            print(f"postshelf serve: live update failed: {clean(error, 200)}", file=sys.stderr, flush=True)
            return
        if applied:
            for session in list(self.by_pid.values()):
                self._tell(session, {"changed": paths})

    def _tell(self, session: ZygoteSession, message: dict) -> None:
        if session.notify is None:
            return
        try:
            send(session.notify, message)
        except OSError:  # its buffer is full (a frozen session) or it is gone: it misses this one
            pass

    def _stop(self) -> None:
        """The server is gone or stopping: every session ends, then this process."""
        self.stopping = True
        self.selector.unregister(self.control)
        self.selector.unregister(self.listener)
        self.listener.close()
        for conn in list(self.sessions):
            self._drop(conn)

    def _message(self, conn: socket.socket) -> None:
        try:
            data, fds, _, _ = socket.recv_fds(conn, MAX_MESSAGE, 4)
        except OSError:
            data, fds = b"", []
        session = self.sessions[conn]
        try:
            if not data:
                self._drop(conn)
                return
            message = json.loads(data)
            if not isinstance(message, dict):
                raise ValueError("not a JSON object")
            if "kind" in message and session.pid is None and not self.stopping:
                parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                try:
                    session.pid = self._fork(message, fds, child_end)
                finally:
                    child_end.close()
                parent_end.setblocking(False)
                session.notify = parent_end
                self.by_pid[session.pid] = session
                send(conn, {"pid": session.pid})
            elif message.get("signal") == "TERM":
                self._signal(session, signal.SIGTERM)
            elif isinstance(message.get("notice"), str):
                self._tell(session, {"notice": message["notice"][:300]})
        except (ValueError, OSError) as error:
            print(f"postshelf serve: bad session request: {clean(error, 200)}", file=sys.stderr)
            self._drop(conn)
        finally:
            for fd in fds:
                os.close(fd)

    def _signal(self, session: ZygoteSession, number: int) -> None:
        if session.pid is not None and session.pid in self.by_pid:
            try:
                os.killpg(session.pid, number)  # not reaped yet: the id is still this session's
            except ProcessLookupError:
                pass
            if session.kill_at is None:
                session.kill_at = time.monotonic() + GRACE

    def _drop(self, conn: socket.socket) -> None:
        """The session's client went away: hang up on the session."""
        session = self.sessions.pop(conn)
        self.selector.unregister(conn)
        conn.close()
        session.conn = None
        self._signal(session, signal.SIGHUP)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            try:
                os.killpg(pid, signal.SIGKILL)  # anything the session left running in its group
            except (ProcessLookupError, PermissionError):
                pass
            session = self.by_pid.pop(pid, None)
            if session is not None and session.notify is not None:
                session.notify.close()
                session.notify = None
            if session is not None and session.conn is not None:
                try:
                    send(session.conn, {"exit": os.waitstatus_to_exitcode(status), "memory_mb": self.limits.memory_mb})
                except OSError:
                    pass

    def _kill_overdue(self) -> None:
        now = time.monotonic()
        for pid, session in list(self.by_pid.items()):
            if session.kill_at is not None and now >= session.kill_at:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                session.kill_at = None

    def _fork(self, request: dict, fds: list[int], notify: socket.socket) -> int:
        sys.stderr.flush()
        pid = os.fork()
        if pid:
            return pid
        status = 1
        try:
            self._leave_zygote([*fds, notify.fileno()])
            status = run_session(self.archive, self.roots, request, fds, self.limits, notify)
        except BaseException as error:  # noqa: BLE001 - shown on the reader's terminal, then gone
            if ran_out_of_memory(error):
                status = EXIT_MEMORY
            else:
                traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(status)

    def _leave_zygote(self, keep: list[int]) -> None:
        """In a new session process: drop everything of the zygote's but the archive."""
        signal.set_wakeup_fd(-1)
        for number in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        self.selector.close()
        others = [session.notify for session in self.sessions.values() if session.notify is not None]
        for sock in [self.listener, self.control, *self.sessions, *others]:
            if sock.fileno() not in keep:
                sock.close()
        os.close(self.wake_r)
        os.close(self.wake_w)
