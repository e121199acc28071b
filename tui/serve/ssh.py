"""The SSH front end: keys in, a pseudo-terminal per reader, bytes relayed to their session.

asyncssh speaks the protocol; nothing here runs a shell or a command. Connections are
accepted by the gate (gate.py: the limits before login) and handed to asyncssh once they
speak. Each session channel gets a pty pair: the slave goes to a new session process
(sessions.py), the master stays here and is relayed to the channel (resizes become
TIOCSWINSZ on it, which the kernel turns into SIGWINCH for the app). Anything but an
interactive terminal session is refused: exec requests, `ssh -T`, SFTP and other
subsystems, port, agent and X11 forwarding.

What a client controls is bounded: terminal size (MAX_SIZE), environment (ENV_NAMES, short
values), sessions per connection and per key, time without a session; every string it sends
reaches the log through `logs.clean`.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import re
import socket
import struct
import termios
import time
from dataclasses import dataclass, field

import asyncssh

from .gate import Gate, Pending
from .keys import AuthorizedKeys, KeyFileError, fingerprint, load_host_key  # noqa: F401 - re-exported for command.py
from .logs import clean, log
from .sessions import EXIT_MEMORY, MAX_MESSAGE, SessionFactory, send

TERM_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
FEW_COLOURS = {
    "dumb",
    "linux",
    "vt100",
    "vt102",
    "vt220",
    "ansi",
    "xterm",
    "xterm-color",
    "screen",
    "tmux",
    "rxvt",
    "cons25",
    "sun",
    "xterm-16color",
    "screen-16color",
}
"""Terminal types that do not mean a modern terminal: no COLORTERM=truecolor for them."""
EXIT_WAIT = 15.0
"""Seconds to wait for a session's exit status once its terminal has closed (the factory
reaps at once; a session is killed GRACE s after a hang-up)."""
MAX_SIZE = (500, 200)
"""Columns and rows a session gets at most: a 10000x10000 window would cost a session ~1 GB."""
ENV_NAMES = {b"TERM", b"COLORTERM", b"NO_COLOR", b"LANG"}
"""Environment requests kept (what the session uses); every other one is refused and dropped."""
ENV_VALUE_MAX = 64


def profile_for(identity: str) -> str:
    """A reading-state profile per key (a file name part): ssh-<SHA256 in URL-safe base64>."""
    if identity == "anonymous":
        return "anonymous"
    digest = identity.split(":", 1)[-1]
    return "ssh-" + digest.replace("+", "-").replace("/", "_").rstrip("=")


def clamp_size(width: int, height: int) -> tuple[int, int, bool]:
    """(columns, rows, whether they were cut to MAX_SIZE)."""
    columns, rows = min(max(1, width), MAX_SIZE[0]), min(max(1, height), MAX_SIZE[1])
    return columns, rows, (columns, rows) != (max(1, width), max(1, height))


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
    per_key: int = 3
    """Sessions at once per key (per offered key, or per address, for anonymous readers)."""
    per_connection: int = 1
    unused_timeout: float = 60.0
    """Seconds a connection may stay without a session, logged in or not."""
    grace: float = 10.0
    """Seconds from connecting to logged in (LoginGraceTime)."""
    max_startups: int = 30
    per_source_startups: int = 10
    sessions: set = field(default_factory=set)
    connections: set = field(default_factory=set)
    stopping: bool = False
    gate: Gate | None = None
    options: asyncssh.SSHServerConnectionOptions | None = None
    _tasks: set = field(default_factory=set)

    @property
    def max_connections(self) -> int:
        """Logged-in connections at once: room for every session plus a few between sessions."""
        return self.max_sessions + 10

    @staticmethod
    def log(line: str) -> None:
        log(line)

    def authenticated(self) -> int:
        return sum(1 for connection in self.connections if connection.authenticated)

    def sessions_of(self, owner: str) -> int:
        return sum(1 for session in self.sessions if session.server.owner == owner)

    async def watch_idle(self) -> None:
        if not self.idle_timeout:
            return
        while not self.stopping:
            await asyncio.sleep(min(30.0, max(0.5, self.idle_timeout / 4)))
            now = time.monotonic()
            for session in list(self.sessions):
                if now - session.last_input >= self.idle_timeout:
                    session.stop(
                        f"postshelf: closed after {_duration(self.idle_timeout)} without a key press.",
                        f"idle {_duration(self.idle_timeout)}",
                    )

    def start_handshake(self, pending: Pending, seconds_left: float) -> None:
        task = asyncio.ensure_future(self._handshake(pending, seconds_left))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handshake(self, pending: Pending, seconds_left: float) -> None:
        try:
            await asyncssh.run_server(
                pending.sock,
                options=self.options,
                login_timeout=seconds_left,
                server_factory=lambda: ReaderServer(self, pending),
            )
        except Exception:  # noqa: BLE001 - the connection's own line says what happened
            pass
        finally:
            if self.gate is not None:
                self.gate.done(pending)

    async def stop(self) -> None:
        """Tell every reader, let their sessions save and quit, then close every connection."""
        self.stopping = True
        if self.gate is not None:
            self.gate.close()
        for session in list(self.sessions):
            session.stop("postshelf: the server is shutting down. Goodbye.", "server stopping")
        deadline = time.monotonic() + 6
        while self.sessions and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for connection in list(self.connections):
            connection.close("server stopping")
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

    def __init__(self, hub: Hub, pending: Pending) -> None:
        self.hub = hub
        self.pending = pending
        self.conn: asyncssh.SSHServerConnection | None = None
        self.identity: str | None = None
        self.offered: str | None = None
        self.username = ""
        self.address = pending.shown
        self.peer = (pending.address, 0)
        self.started = pending.accepted
        self.session_count = 0
        self.channels: set = set()
        """Session channels not finished yet (the per-connection cap counts these)."""
        self.authenticated = False
        self.notes: list[str] = []
        """What was refused or ended on this connection, for its log line."""
        self.reason: str | None = None
        """Why the server closed it (None: the client did)."""
        self.term = ""
        self.unused_since = time.monotonic()
        self._unused_timer: asyncio.TimerHandle | None = None

    @property
    def owner(self) -> str:
        """Who the per-key cap counts against: the key, or for anonymous readers their key or address."""
        if self.identity and self.identity != "anonymous":
            return self.identity
        return f"anonymous:{self.offered or self.peer[0]}"

    @property
    def connection(self) -> asyncssh.SSHServerConnection:
        """The connection: asyncssh hands it over (connection_made) before anything happens on it."""
        if self.conn is None:
            raise RuntimeError("the SSH connection is not made yet")
        return self.conn

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        if peer:
            self.peer = peer
        self.hub.connections.add(self)
        self.hub.log(f"ssh {self.address} open")
        self._arm_unused()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.hub.gate is not None:
            self.hub.gate.done(self.pending)
        self.hub.connections.discard(self)
        if self._unused_timer is not None:
            self._unused_timer.cancel()
        seconds = time.monotonic() - self.started
        if self.reason:
            closed = self.reason
        elif exc is None:
            closed = "client closed"
        else:
            closed = clean(str(exc) or type(exc).__name__, 60)
        if self.authenticated:
            outcome = f"{self.session_count} session{'s' if self.session_count != 1 else ''}, closed: {closed}"
            who = self.identity if self.identity != "anonymous" else f"anonymous key={self.offered or '-'}"
        elif self.offered or self.identity is None and self.username:
            outcome = "refused: " + ("key not authorized" if self.offered else "no key offered")
            who = self.offered or "-"
            if self.reason:
                outcome += f", closed: {closed}"
        else:
            outcome, who = f"closed before login: {closed}", "-"
        user = f" user={self.username}" if self.username else ""
        user += f" term={self.term}" if self.term else ""
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        self.hub.log(f"ssh {self.address} {who}{user} {seconds:.1f}s {outcome}{notes}")

    def close(self, reason: str, message: str | None = None) -> None:
        if self.reason is None:
            self.reason = reason
        if self.conn is not None:
            if message:
                self.conn.disconnect(asyncssh.DISC_BY_APPLICATION, message)
            else:
                self.conn.close()

    # ------------------------------------------------------------ time without a session

    def _arm_unused(self) -> None:
        if self._unused_timer is not None:
            self._unused_timer.cancel()
            self._unused_timer = None
        if self.channels or not self.hub.unused_timeout:
            return
        self.unused_since = time.monotonic()
        self._unused_timer = asyncio.get_running_loop().call_later(self.hub.unused_timeout, self._close_if_unused)

    def _close_if_unused(self) -> None:
        self._unused_timer = None
        if not self.channels and self in self.hub.connections:
            self.close(f"no session for {_duration(self.hub.unused_timeout)}")

    def channel_finished(self, session: ReaderSession) -> None:
        self.channels.discard(session)
        if not self.channels and self in self.hub.connections:
            self._arm_unused()

    # ------------------------------------------------------------ login

    def begin_auth(self, username: str) -> bool:
        self.username = clean(username, 32)
        return True  # always authenticate: a key, or (only when allowed) anonymously

    def password_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # Called for the key query and again, with the signature checked after it returns True,
        # for the signed request: the last key accepted is the one that authenticated.
        self.offered = fingerprint(key)
        options, note = self.hub.keys.validate(key, str(self.peer[0]))
        if note and note not in self.notes:
            self.notes.append(note)
        if options is not None and not _reader_key(options):
            # A key kept for one forced command (a backup job's) or without a terminal: OpenSSH
            # would not give it a session, so neither does this server.
            if "key restricted to a command or to no terminal" not in self.notes:
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
        if self.hub.gate is not None:
            self.hub.gate.done(self.pending)
        if self.hub.authenticated() > self.hub.max_connections:
            self.close(
                "server full", f"postshelf: the server is full ({self.hub.max_sessions} readers); try again in a while"
            )
            return
        self._arm_unused()

    def session_requested(self):
        if len(self.channels) >= self.hub.per_connection:
            self.notes.append("refused: another session on the same connection")
            raise asyncssh.ChannelOpenError(
                asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED,
                f"postshelf: {self.hub.per_connection} session(s) per connection; open another connection",
            )
        session = ReaderSession(self)
        self.channels.add(session)
        if self._unused_timer is not None:
            self._unused_timer.cancel()
            self._unused_timer = None
        channel = self.connection.create_server_channel()
        if type(channel) is asyncssh.SSHServerChannel:
            channel.__class__ = _BoundedChannel  # same object, bounded environment requests
        return channel, session

    # Forwarding of any kind is refused (asyncssh's default too): say so in the log.

    def connection_requested(self, dest_host, dest_port, orig_host, orig_port):
        self.notes.append(f"refused forwarding to {clean(dest_host, 40)}:{clean(dest_port, 8)}")
        return False

    def server_requested(self, listen_host, listen_port):
        self.notes.append(f"refused remote forwarding from {clean(listen_host, 40)}:{clean(listen_port, 8)}")
        return False

    def unix_connection_requested(self, dest_path):
        self.notes.append(f"refused forwarding to a Unix socket {clean(dest_path, 40)}")
        return False

    def unix_server_requested(self, listen_path):
        self.notes.append(f"refused remote forwarding from a Unix socket {clean(listen_path, 40)}")
        return False


class _BoundedChannel(asyncssh.SSHServerChannel):
    """A session channel that keeps only the environment a session uses, short, and counts
    the rest (asyncssh keeps every `env` request: 6,000 of 30 kB grew the server by 350 MB)."""

    discarded_env = 0

    def _process_env_request(self, packet) -> bool:
        name = packet.get_string()
        value = packet.get_string()
        packet.check_end()
        if name in ENV_NAMES and len(value) <= ENV_VALUE_MAX:
            self._env[name] = value
            self._str_env = None
            return True
        self.discarded_env += 1
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
        self.sock: socket.socket | None = None
        self.pid: int | None = None
        self.exit_status: int | None = None
        self.output_closed = False
        self.farewell: str | None = None
        self.last_input = time.monotonic()
        self.pending_input = bytearray()
        self.finished = False
        self.clamped = False
        """Whether the client asked for a bigger terminal than MAX_SIZE (the reader is told once)."""
        self.told_clamped = False
        self.end_reason: str | None = None
        self.loop = asyncio.get_running_loop()

    @property
    def channel(self) -> asyncssh.SSHServerChannel:
        """The session's channel: asyncssh hands it over (connection_made) before any other call."""
        if self.chan is None:
            raise RuntimeError("the session has no channel yet")
        return self.chan

    # ------------------------------------------------------------ requests

    def connection_made(self, chan) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size, term_modes) -> bool:
        self.term = term_type if TERM_PATTERN.fullmatch(term_type or "") else "xterm-256color"
        self.server.term = self.term
        self._set_requested_size(*term_size)
        return True

    def _set_requested_size(self, width: int, height: int, pixwidth: int = 0, pixheight: int = 0) -> None:
        columns, rows, cut = clamp_size(width, height)
        if cut:
            self.clamped = True
            pixwidth = pixheight = 0
        self.size = (columns, rows, min(pixwidth, 65535), min(pixheight, 65535))

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        shown = command if len(command) <= 60 else command[:59] + "…"
        self.refusal = (
            f"postshelf: this server runs no commands (asked: {shown!r}).\n"
            "Connect without a command to browse the archive: ssh -t ..."
        )
        self.server.notes.append(f"refused command '{clean(command, 60)}'")
        return True  # accepted only to say why, then closed

    def subsystem_requested(self, subsystem: str) -> bool:
        self.server.notes.append(f"refused subsystem '{clean(subsystem, 20)}'")
        return False  # no SFTP, no anything

    def break_received(self, msec: int) -> bool:
        return False

    def session_started(self) -> None:
        if self.refusal is not None:  # an exec request, noted when it came
            self._refuse(self.refusal)
        elif self.term is None:
            self._refuse(
                "postshelf: this server shows an archive in a terminal; it needs one. "
                "Connect with `ssh -t ...` (not -T).",
                "no terminal",
            )
        elif self.hub.stopping:
            self._refuse("postshelf: the server is shutting down.", "shutting down")
        elif len(self.hub.sessions) >= self.hub.max_sessions:
            self._refuse(
                f"postshelf: all {self.hub.max_sessions} sessions are in use; try again in a while.",
                "all sessions in use",
            )
        elif self.hub.sessions_of(self.server.owner) >= self.hub.per_key:
            self._refuse(
                f"postshelf: this key already has {self.hub.per_key} sessions open here; close one first.",
                f"{self.hub.per_key} sessions for this key already",
            )
        else:
            try:
                self._start(self.term)
            except OSError as error:
                self._cleanup()
                self._refuse(f"postshelf: could not start a session ({error}).", f"session not started: {error}")

    def _refuse(self, message: str, note: str | None = None) -> None:
        if note:
            self.server.notes.append(f"refused: {note}")
        newline = "\r\n" if self.term else "\n"
        self.channel.write_stderr((message.replace("\n", newline) + newline).encode())
        self.channel.exit(1)
        self.server.channel_finished(self)

    def _environment(self, term: str) -> dict[str, str]:
        sent = self.channel.get_environment()
        env = {"TERM": term, "LANG": "C.UTF-8"}
        colorterm = sent.get("COLORTERM")
        if colorterm is not None:
            if colorterm in ("truecolor", "24bit"):
                env["COLORTERM"] = colorterm  # otherwise left out: the client said no
        elif term not in FEW_COLOURS:
            env["COLORTERM"] = "truecolor"
        if "NO_COLOR" in sent:
            env["NO_COLOR"] = "1"
        local = self.server.connection.get_extra_info("sockname") or ("?", 0)
        # Tells the app it is remote: `o` copies links (OSC 52) instead of opening a browser here.
        env["SSH_CONNECTION"] = f"{self.server.peer[0]} {self.server.peer[1]} {local[0]} {local[1]}"
        return env

    def _start(self, term: str) -> None:
        master, slave = os.openpty()
        try:
            _set_size(master, self.size)
            sock = self.hub.factory.connect()
            try:
                send(
                    sock,
                    {
                        "kind": "tty",
                        "env": self._environment(term),
                        "profile": profile_for(self.server.identity or "anonymous"),
                    },
                    [slave],
                )
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
        discarded = getattr(self.chan, "discarded_env", 0)
        if discarded:
            self.server.notes.append(f"{discarded} environment request{'s' if discarded != 1 else ''} discarded")
        self._tell_if_clamped()

    def _tell_if_clamped(self) -> None:
        """Once per session: the reader's terminal is bigger than this server draws."""
        if self.clamped and not self.told_clamped and self.sock is not None:
            self.told_clamped = True
            self.server.notes.append(f"terminal size cut to {MAX_SIZE[0]}x{MAX_SIZE[1]}")
            try:
                send(
                    self.sock,
                    {
                        "notice": f"Your terminal is larger than this server draws: the screen is cut "
                        f"to {MAX_SIZE[0]}×{MAX_SIZE[1]}."
                    },
                )
            except OSError:
                pass

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
            self.channel.pause_reading()
        else:
            self.loop.remove_writer(self.master)
            self.channel.resume_reading()

    def _on_output(self) -> None:
        master = self.master
        if master is None:  # the session was cleaned up
            return
        try:
            data = os.read(master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: every process holding the terminal has gone
            data = b""
        if data:
            self.channel.write(data)
            return
        self.loop.remove_reader(master)
        self.output_closed = True
        # The channel ends when the session process has exited (its reading state written),
        # not merely when its terminal closed; EXIT_WAIT only covers a factory that never answers.
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
        self._set_requested_size(width, height, pixwidth, pixheight)
        self._tell_if_clamped()
        if self.master is not None:
            try:
                _set_size(self.master, self.size)
            except OSError:
                pass

    def _on_factory(self) -> None:
        sock = self.sock
        if sock is None:  # the session was cleaned up
            return
        try:
            data = sock.recv(MAX_MESSAGE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the factory is gone: so is the session
            self.loop.remove_reader(sock)
            if self.exit_status is None:
                self.exit_status = 1
            self._finish()
            return
        message = json.loads(data)
        if "pid" in message:
            self.pid = message["pid"]
        if "exit" in message:
            status = int(message["exit"])
            if status == EXIT_MEMORY:
                self._ended(
                    f"memory: used its {message.get('memory_mb', '?')} MB",
                    "postshelf: this session used all the memory it may use here and was closed.",
                )
            elif status == -24:  # SIGXCPU
                self._ended("cpu time used up", "postshelf: this session used all its CPU time and was closed.")
            self.exit_status = status if status >= 0 else 128 - status  # killed by a signal
            self._finish()

    def _finish(self, waited: bool = False) -> None:
        """Once the app has exited and its output is all sent: a last word, the status, close."""
        if self.finished or not self.output_closed or (self.exit_status is None and not waited):
            return
        self.finished = True
        if self.farewell:
            self.channel.write(("\r\n" + self.farewell + "\r\n").encode())
        self._cleanup()
        self.server.notes.append(f"session ended: {self.end_reason or 'quit'}")
        self.channel.exit(self.exit_status if self.exit_status is not None else 0)

    def _ended(self, reason: str, farewell: str | None = None) -> None:
        if self.end_reason is None:
            self.end_reason = reason
        if farewell and self.farewell is None:
            self.farewell = farewell

    # ------------------------------------------------------------ ending

    def stop(self, farewell: str, reason: str) -> None:
        """End the session from here (idle, shutting down): the app saves and quits."""
        if self.farewell is not None or self.finished:
            return
        self._ended(reason, farewell)
        if self.sock is not None:
            try:
                send(self.sock, {"signal": "TERM"})
                return
            except OSError:
                pass
        self.channel.close()  # no session process (any more)

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self.master is not None and self.end_reason is None:
            self.end_reason = "client closed"
            self.server.notes.append("session ended: client closed")
        self._cleanup()
        self.server.channel_finished(self)

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


async def listen(hub: Hub, host: str, port: int, host_key: asyncssh.SSHKey) -> Gate:
    """Listen through the gate (limits before login); returns it (its port: `gate.port`)."""
    hub.options = await asyncssh.SSHServerConnectionOptions.construct(
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
        login_timeout=hub.grace,
        keepalive_interval=30,
        keepalive_count_max=4,
        server_version="postshelf",
    )
    gate = Gate(hub.start_handshake, per_source=hub.per_source_startups, overall=hub.max_startups, grace=hub.grace)
    gate.port = gate.listen(host, port)
    hub.gate = gate
    return gate
