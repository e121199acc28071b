"""Reader sessions as processes forked from one that already holds the loaded archive.

Why a separate forking process (a "zygote") instead of forking the SSH server itself: the
server runs an event loop and holds the host key, the listening sockets and every reader's
connection; a child forked from it would inherit all of that. The zygote is forked right
after the archive is loaded and before any of it exists: one thread, no event loop, no key,
no sockets but its own. Its children share the archive's pages copy-on-write, so a session
starts in a fraction of a second and costs only the memory it changes.

Protocol: an AF_UNIX SOCK_SEQPACKET connection per session, JSON messages.
  client -> zygote  {"kind": "tty" | "pipe", "env": {...}, "profile": "..."} with file
                    descriptors: a pty slave ("tty"), or stdin, stdout, stderr ("pipe")
  zygote -> client  {"pid": N}, later {"exit": status} (EXIT_MEMORY: it ran out of memory)
  client -> zygote  {"signal": "TERM"}: ask the session to end (it saves and quits)
  client -> zygote  {"notice": "text"}: shown to the reader (a notification in the app)
  client closes     the session gets SIGHUP, and SIGKILL if it is still there after GRACE s.
The server holds a second socket to the zygote, the control socket: when it closes (the
server stopped or was killed), the zygote ends every session and exits, so nothing outlives
the server. On it the server sends {"changed": [paths]} when files of the archive change
(watchfiles, as in the app): the zygote applies them to its archive (so new sessions start
with the current posts) and passes them to every session, which applies them to its own copy
and refreshes its list, as the local app does. Each session has a socket from the zygote for
these messages (changes, notices).
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import resource
import selectors
import shutil
import signal
import socket
import sys
import tempfile
import termios
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

GRACE = 5.0
"""Seconds a session has to save and quit after SIGHUP or SIGTERM before it is killed."""
MAX_MESSAGE = 65536
EXIT_MEMORY = 86
"""A session's exit status when it ran out of its memory (RLIMIT_AS: a MemoryError)."""
FOLDER_PREFIX = "postshelf-serve-"

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


def caused_by_memory(error: BaseException | None) -> bool:
    """A MemoryError, or an error raised while handling one: Pygments, for one, turns a
    MemoryError while compiling a lexer's patterns into a ValueError. C code that fails to
    allocate can also return without a MemoryError (`re` compiling a pattern, at the limit):
    CPython then raises SystemError('error return without exception set'), which counts too."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, MemoryError):
            return True
        if isinstance(error, SystemError) and "error return without exception set" in str(error):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


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
            status = _Zygote(listener, control_child, archive, roots, limits).run()
            shutil.rmtree(directory, ignore_errors=True)  # also when the server was killed
        except BaseException:  # noqa: BLE001 - report, never return into the server's code
            traceback.print_exc()
        finally:
            os._exit(status)
    listener.close()
    control_child.close()
    return SessionFactory(pid, path, directory, control)


# ---------------------------------------------------------------- the zygote


class _Session:
    def __init__(self, conn: socket.socket) -> None:
        self.conn: socket.socket | None = conn
        self.pid: int | None = None
        self.kill_at: float | None = None
        self.notify: socket.socket | None = None
        """The zygote's end of the session's message socket (changes, notices)."""


class _Zygote:
    def __init__(self, listener, control, archive, roots, limits: Limits) -> None:
        self.listener = listener
        self.control = control
        self.archive = archive
        self.roots = roots
        self.limits = limits
        self.selector = selectors.DefaultSelector()
        self.sessions: dict[socket.socket, _Session] = {}
        self.by_pid: dict[int, _Session] = {}
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
        self.sessions[conn] = _Session(conn)
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
            print(f"postshelf serve: live update failed: {error}", file=sys.stderr, flush=True)
            return
        if applied:
            for session in list(self.by_pid.values()):
                self._tell(session, {"changed": paths})

    def _tell(self, session: _Session, message: dict) -> None:
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
            print(f"postshelf serve: bad session request: {error}", file=sys.stderr)
            self._drop(conn)
        finally:
            for fd in fds:
                os.close(fd)

    def _signal(self, session: _Session, number: int) -> None:
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
            if caused_by_memory(error):
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


# ---------------------------------------------------------------- a session process


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
