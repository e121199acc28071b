"""The SSH front end: keys in, a pseudo-terminal per reader, bytes relayed to their session.

asyncssh speaks the protocol; nothing here runs a shell or a command. Each session channel
gets a pty pair: the slave goes to a new session process (sessions.py), the master stays
here and is relayed to the channel (resizes become TIOCSWINSZ on it, which the kernel turns
into SIGWINCH for the app). Anything but an interactive terminal session is refused: exec
requests, `ssh -T`, SFTP and other subsystems, port, agent and X11 forwarding.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import re
import struct
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from .sessions import MAX_MESSAGE, SessionFactory, send

HOST_KEY_NAME = "ssh_host_ed25519_key"
TERM_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
FEW_COLOURS = {"dumb", "linux", "vt100", "vt102", "vt220", "ansi", "xterm", "xterm-color", "screen",
               "tmux", "rxvt", "cons25", "sun", "xterm-16color", "screen-16color"}
"""Terminal types that do not mean a modern terminal: no COLORTERM=truecolor for them."""
EXIT_WAIT = 1.0
"""Seconds to wait for a session's exit status once its terminal has closed."""
UNUSED_CONNECTION = 60.0
"""Seconds a logged-in connection may stay without a session (`ssh -N` and the like)."""


def fingerprint(key: asyncssh.SSHKey) -> str:
    return key.get_fingerprint("sha256")


def profile_for(identity: str) -> str:
    """A reading-state profile per key (a file name part): ssh-<SHA256 in URL-safe base64>."""
    if identity == "anonymous":
        return "anonymous"
    digest = identity.split(":", 1)[-1]
    return "ssh-" + digest.replace("+", "-").replace("/", "_").rstrip("=")


def now_text() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())


# ---------------------------------------------------------------- keys


def load_host_key(path: Path | None, data_root: Path) -> tuple[asyncssh.SSHKey, Path, bool]:
    """The given host key, or the server's own (made on first start, kept in the data folder).

    Returns the key, where it is, and whether it was just generated."""
    if path is not None:
        return asyncssh.read_private_key(str(path)), path, False
    own = data_root / HOST_KEY_NAME
    if own.exists():
        return asyncssh.read_private_key(str(own)), own, False
    own.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="postshelf serve")
    descriptor = os.open(own, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key.export_private_key())
    (own.parent / (HOST_KEY_NAME + ".pub")).write_bytes(key.export_public_key())
    return key, own, True


class AuthorizedKeys:
    """An authorized_keys file, read again whenever it changes (add a reader without a restart).

    Lines that cannot be read are skipped and reported, like OpenSSH does; `from=` options are
    honoured, the other options are moot (every session is already restricted)."""

    def __init__(self, path: Path | None, say) -> None:
        self.path = path
        self.say = say
        self._stamp: tuple | None = None
        self._keys: asyncssh.SSHAuthorizedKeys | None = None
        self.count = 0

    def current(self) -> asyncssh.SSHAuthorizedKeys | None:
        if self.path is None:
            return None
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except OSError:
            stamp = None
        if stamp != self._stamp:
            self._stamp = stamp
            self._keys, self.count = self._read()
        return self._keys

    def _read(self) -> tuple[asyncssh.SSHAuthorizedKeys | None, int]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            self.say(f"authorized keys not readable ({error.strerror}): {self.path}")
            return None, 0
        good = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                asyncssh.import_authorized_keys(line)
            except (ValueError, asyncssh.KeyImportError) as error:
                self.say(f"{self.path} line {number} skipped: {error}")
                continue
            good.append(line)
        if not good:
            return None, 0
        return asyncssh.import_authorized_keys("\n".join(good) + "\n"), len(good)


# ---------------------------------------------------------------- the hub


@dataclass
class Hub:
    """What every connection shares: the session factory, the rules, who is on."""

    factory: SessionFactory
    keys: AuthorizedKeys
    allow_anonymous: bool
    max_sessions: int
    idle_timeout: float
    """Seconds without input before a session is closed; 0 for never."""
    sessions: set = field(default_factory=set)
    connections: set = field(default_factory=set)
    stopping: bool = False

    @property
    def max_connections(self) -> int:
        """Open connections, logged in or not: room for every session plus some logging in."""
        return self.max_sessions + 10

    @staticmethod
    def log(line: str) -> None:
        print(f"{now_text()} {line}", file=sys.stderr, flush=True)

    async def watch_idle(self) -> None:
        if not self.idle_timeout:
            return
        while not self.stopping:
            await asyncio.sleep(min(30.0, max(0.5, self.idle_timeout / 4)))
            now = time.monotonic()
            for session in list(self.sessions):
                if now - session.last_input >= self.idle_timeout:
                    session.stop(f"postshelf: closed after {_duration(self.idle_timeout)} without a key press.")

    async def stop(self) -> None:
        """Tell every reader, let their sessions save and quit, then close every connection."""
        self.stopping = True
        for session in list(self.sessions):
            session.stop("postshelf: the server is shutting down. Goodbye.")
        deadline = time.monotonic() + 6
        while self.sessions and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for connection in list(self.connections):
            connection.close()
        await asyncio.sleep(0.1)


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


# ---------------------------------------------------------------- a connection


class ReaderServer(asyncssh.SSHServer):
    """One SSH connection: who it is (key fingerprint or anonymous), for the log and the profile."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.conn: asyncssh.SSHServerConnection | None = None
        self.identity: str | None = None
        self.offered: str | None = None
        self.username = ""
        self.address = "?"
        self.started = time.monotonic()
        self.session_count = 0
        self.authenticated = False
        self.notes: list[str] = []
        """What was refused on this connection, for its log line."""
        self.term = ""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address = f"[{peer[0]}]:{peer[1]}" if ":" in str(peer[0]) else f"{peer[0]}:{peer[1]}"
        self.peer = peer
        self.hub.connections.add(self)
        if len(self.hub.connections) > self.hub.max_connections:
            self.notes.append("refused: too many connections")
            conn.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.hub.connections.discard(self)
        seconds = time.monotonic() - self.started
        if self.authenticated:
            outcome = f"{self.session_count} session{'s' if self.session_count != 1 else ''}"
            who = self.identity
        elif self.notes and "too many" in self.notes[0]:
            outcome, who, self.notes = self.notes[0], "-", []
        else:
            outcome = "refused: " + ("key not authorized" if self.offered else "no key offered")
            who = self.offered or "-"
        user = f" user={self.username}" if self.username else ""
        user += f" term={self.term}" if self.term else ""
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        self.hub.log(f"ssh {self.address} {who}{user} {seconds:.1f}s {outcome}{notes}")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    def begin_auth(self, username: str) -> bool:
        self.username = re.sub(r"[^\w.@-]", "?", username)[:32]
        return True  # always authenticate: a key, or (only when allowed) anonymously

    def password_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # Called for the key query and again, with the signature checked after it returns True,
        # for the signed request: the last key accepted is the one that authenticated.
        self.offered = fingerprint(key)
        keys = self.hub.keys.current()
        options = keys.validate(key, str(self.peer[0]), str(self.peer[0])) if keys is not None else None
        if options is not None and not _reader_key(options):
            # A key kept for one forced command (a backup job's) or without a terminal: OpenSSH
            # would not give it a session, so neither does this server.
            self.notes.append("key restricted to a command or to no terminal")
        elif options is not None:
            self.identity = self.offered
            return True
        if self.hub.allow_anonymous:
            self.identity = "anonymous"  # an unknown key is let in, as nobody in particular
            return True
        self.identity = None
        return False

    def kbdint_auth_supported(self) -> bool:
        return self.hub.allow_anonymous

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str) -> bool:
        self.identity = "anonymous"  # no questions: only offered with --allow-anonymous
        return self.hub.allow_anonymous

    def auth_completed(self) -> None:
        self.authenticated = True
        asyncio.get_running_loop().call_later(UNUSED_CONNECTION, self._close_if_unused)

    def _close_if_unused(self) -> None:
        if self.session_count == 0 and self.conn is not None and self in self.hub.connections:
            self.notes.append("closed: no session opened")
            self.conn.close()

    def session_requested(self):
        return ReaderSession(self)

    # Forwarding of any kind is refused (asyncssh's default too): say so in the log.

    def connection_requested(self, dest_host, dest_port, orig_host, orig_port):
        self.notes.append(f"refused forwarding to {str(dest_host)[:40]}:{dest_port}")
        return False

    def server_requested(self, listen_host, listen_port):
        self.notes.append(f"refused remote forwarding from port {listen_port}")
        return False

    def unix_connection_requested(self, dest_path):
        self.notes.append("refused forwarding to a Unix socket")
        return False

    def unix_server_requested(self, listen_path):
        self.notes.append("refused remote forwarding from a Unix socket")
        return False


def _reader_key(options: dict) -> bool:
    """Whether an authorized_keys entry's options allow an interactive terminal session."""
    if "command" in options or options.get("no-pty"):
        return False
    return not options.get("restrict") or bool(options.get("pty"))


# ---------------------------------------------------------------- a session


class ReaderSession(asyncssh.SSHServerSession):
    """One session channel: a postshelf process on a pty, or a refusal with a reason."""

    def __init__(self, server: ReaderServer) -> None:
        self.server = server
        self.hub = server.hub
        self.chan: asyncssh.SSHServerChannel | None = None
        self.term: str | None = None
        self.size = (80, 24, 0, 0)
        self.refusal: str | None = None
        self.master: int | None = None
        self.sock = None
        self.pid: int | None = None
        self.exit_status: int | None = None
        self.output_closed = False
        self.farewell: str | None = None
        self.last_input = time.monotonic()
        self.pending_input = bytearray()
        self.finished = False
        self.loop = asyncio.get_running_loop()

    # ------------------------------------------------------------ requests

    def connection_made(self, chan) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size, term_modes) -> bool:
        self.term = term_type if TERM_PATTERN.fullmatch(term_type or "") else "xterm-256color"
        self.server.term = self.term
        self.size = tuple(term_size)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        shown = command if len(command) <= 60 else command[:59] + "…"
        self.refusal = (f"postshelf: this server runs no commands (asked: {shown!r}).\n"
                        "Connect without a command to browse the archive: ssh -t ...")
        self.server.notes.append(f"refused command {shown!r}")
        return True  # accepted only to say why, then closed

    def subsystem_requested(self, subsystem: str) -> bool:
        self.server.notes.append(f"refused subsystem {subsystem[:20]!r}")
        return False  # no SFTP, no anything

    def break_received(self, msec: int) -> bool:
        return False

    def session_started(self) -> None:
        if self.refusal is not None:  # an exec request, noted when it came
            self._refuse(self.refusal)
        elif self.term is None:
            self._refuse("postshelf: this server shows an archive in a terminal; it needs one. "
                         "Connect with `ssh -t ...` (not -T).", "no terminal")
        elif self.hub.stopping:
            self._refuse("postshelf: the server is shutting down.", "shutting down")
        elif len(self.hub.sessions) >= self.hub.max_sessions:
            self._refuse(f"postshelf: all {self.hub.max_sessions} sessions are in use; try again in a while.",
                         "all sessions in use")
        else:
            try:
                self._start()
            except OSError as error:
                self._cleanup()
                self._refuse(f"postshelf: could not start a session ({error}).", f"session not started: {error}")

    def _refuse(self, message: str, note: str | None = None) -> None:
        if note:
            self.server.notes.append(f"refused: {note}")
        newline = "\r\n" if self.term else "\n"
        self.chan.write_stderr((message.replace("\n", newline) + newline).encode())
        self.chan.exit(1)

    def _environment(self) -> dict[str, str]:
        sent = self.chan.get_environment()
        env = {"TERM": self.term, "LANG": "C.UTF-8"}
        colorterm = sent.get("COLORTERM")
        if colorterm is not None:
            if colorterm in ("truecolor", "24bit"):
                env["COLORTERM"] = colorterm  # otherwise left out: the client said no
        elif self.term not in FEW_COLOURS:
            env["COLORTERM"] = "truecolor"
        if "NO_COLOR" in sent:
            env["NO_COLOR"] = "1"
        local = self.server.conn.get_extra_info("sockname") or ("?", 0)
        # Tells the app it is remote: `o` copies links (OSC 52) instead of opening a browser here.
        env["SSH_CONNECTION"] = f"{self.server.peer[0]} {self.server.peer[1]} {local[0]} {local[1]}"
        return env

    def _start(self) -> None:
        master, slave = os.openpty()
        try:
            _set_size(master, self.size)
            sock = self.hub.factory.connect()
            try:
                send(sock, {"kind": "tty", "env": self._environment(),
                            "profile": profile_for(self.server.identity or "anonymous")}, [slave])
            except OSError:
                sock.close()
                raise
        except OSError:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.master, self.sock = master, sock
        sock.setblocking(False)
        os.set_blocking(master, False)
        self.loop.add_reader(sock, self._on_factory)
        self.loop.add_reader(master, self._on_output)
        self.hub.sessions.add(self)
        self.server.session_count += 1

    # ------------------------------------------------------------ relaying

    def data_received(self, data: bytes, datatype) -> None:
        self.last_input = time.monotonic()
        if self.master is None:
            return
        self.pending_input += data
        self._write_input()

    def _write_input(self) -> None:
        """To the pty; when its buffer is full, wait for it and stop reading the channel."""
        while self.pending_input and self.master is not None:
            try:
                written = os.write(self.master, self.pending_input)
            except BlockingIOError:
                break
            except OSError:
                self.pending_input.clear()
                return
            del self.pending_input[:written]
        if self.master is None:
            return
        if self.pending_input:
            self.loop.add_writer(self.master, self._write_input)
            self.chan.pause_reading()
        else:
            self.loop.remove_writer(self.master)
            self.chan.resume_reading()

    def _on_output(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: every process holding the terminal has gone
            data = b""
        if data:
            self.chan.write(data)
            return
        self.loop.remove_reader(self.master)
        self.output_closed = True
        self.loop.call_later(EXIT_WAIT, self._finish, True)
        self._finish()

    def pause_writing(self) -> None:
        """The client is slower than the app: stop reading the pty until it catches up."""
        if self.master is not None and not self.output_closed:
            self.loop.remove_reader(self.master)

    def resume_writing(self) -> None:
        if self.master is not None and not self.output_closed:
            self.loop.add_reader(self.master, self._on_output)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width, height, pixwidth, pixheight)
        if self.master is not None:
            try:
                _set_size(self.master, self.size)
            except OSError:
                pass

    def _on_factory(self) -> None:
        try:
            data = self.sock.recv(MAX_MESSAGE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the factory is gone: so is the session
            self.loop.remove_reader(self.sock)
            if self.exit_status is None:
                self.exit_status = 1
            self._finish()
            return
        message = json.loads(data)
        if "pid" in message:
            self.pid = message["pid"]
        if "exit" in message:
            status = int(message["exit"])
            self.exit_status = status if status >= 0 else 128 - status  # killed by a signal
            self._finish()

    def _finish(self, waited: bool = False) -> None:
        """Once the app has exited and its output is all sent: a last word, the status, close."""
        if self.finished or not self.output_closed or (self.exit_status is None and not waited):
            return
        self.finished = True
        if self.farewell:
            self.chan.write(("\r\n" + self.farewell + "\r\n").encode())
        self._cleanup()
        self.chan.exit(self.exit_status if self.exit_status is not None else 0)

    # ------------------------------------------------------------ ending

    def stop(self, farewell: str) -> None:
        """End the session from here (idle, shutting down): the app saves and quits."""
        if self.farewell is not None or self.finished:
            return
        self.farewell = farewell
        try:
            send(self.sock, {"signal": "TERM"})
        except (OSError, AttributeError):  # no session process (any more)
            self.chan.close()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._cleanup()

    def _cleanup(self) -> None:
        """Closing the factory socket hangs up on the session (SIGHUP, SIGKILL after a grace)."""
        self.hub.sessions.discard(self)
        if self.master is not None:
            for remove in (self.loop.remove_reader, self.loop.remove_writer):
                remove(self.master)
            os.close(self.master)
            self.master = None
        if self.sock is not None:
            self.loop.remove_reader(self.sock)
            self.sock.close()
            self.sock = None


def _set_size(fd: int, size) -> None:
    width, height, pixwidth, pixheight = (list(size) + [0, 0, 0, 0])[:4]
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", max(1, height), max(1, width), pixheight, pixwidth))


# ---------------------------------------------------------------- the listener


async def listen(hub: Hub, host: str, port: int, host_key: asyncssh.SSHKey) -> asyncssh.SSHAcceptor:
    return await asyncssh.listen(
        host, port,
        server_factory=lambda: ReaderServer(hub),
        server_host_keys=[host_key],
        encoding=None,
        line_editor=False,
        allow_pty=True,
        public_key_auth=True,
        password_auth=False,
        kbdint_auth=hub.allow_anonymous,
        host_based_auth=False,
        gss_host=None,
        gss_kex=False,
        gss_auth=False,
        agent_forwarding=False,
        x11_forwarding=False,
        sftp_factory=None,
        allow_scp=False,
        login_timeout=30,
        keepalive_interval=30,
        keepalive_count_max=4,
        server_version="postshelf",
    )
