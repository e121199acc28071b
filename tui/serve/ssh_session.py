"""One SSH session channel: a postshelf process on a pseudo-terminal, or a refusal with a reason.

The pty's slave goes to a new session process (sessions.py); the master stays here and is
relayed to the channel (resizes become TIOCSWINSZ on it, which the kernel turns into SIGWINCH
for the app). Only an interactive terminal session is served.
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
from typing import Protocol

import asyncssh

from .logs import Notes, clean
from .session_protocol import EXIT_MEMORY, MAX_MESSAGE, RESIZE_EVERY, send
from .ssh_hub import Hub

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


class Connection(Protocol):
    """What a session uses of its connection (ssh_connection.ReaderServer), without importing it."""

    hub: Hub
    notes: Notes
    term: str
    peer: tuple
    identity: str | None
    session_count: int

    @property
    def owner(self) -> str: ...

    @property
    def connection(self) -> asyncssh.SSHServerConnection: ...

    def channel_finished(self, session: ReaderSession) -> None: ...

    def session_began(self) -> None: ...

    def refused(self, note: str) -> None: ...


# ---------------------------------------------------------------- a session


class ReaderSession(asyncssh.SSHServerSession):
    """One session channel: a postshelf process on a pty, or a refusal with a reason."""

    def __init__(self, server: Connection) -> None:
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
        self._farewell_sent = False
        self.last_input = time.monotonic()
        self.pending_input = bytearray()
        self.finished = False
        self.clamped = False
        """Whether the client asked for a bigger terminal than MAX_SIZE (the reader is told once)."""
        self.told_clamped = False
        self.end_reason: str | None = None
        self._resize: asyncio.TimerHandle | None = None
        self.running = False
        """A postshelf runs for it (a channel that never asks for a shell does not count as use)."""
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
        self.server.refused(f"refused command '{clean(command, 60)}'")
        return True  # accepted only to say why, then closed

    def subsystem_requested(self, subsystem: str) -> bool:
        self.server.refused(f"refused subsystem '{clean(subsystem, 20)}'")
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
            who = "address" if self.server.owner.startswith("anonymous:") else "key"
            self._refuse(
                f"postshelf: this {who} already has {self.hub.per_key} sessions open here; close one first.",
                f"{self.hub.per_key} sessions for this {who} already",
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
        self.running = True
        self.server.session_began()
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
        # The last size of a burst, once per RESIZE_EVERY: each resize redraws the whole screen,
        # and 60,000 of them kept a session's CPU busy for seconds.
        if self._resize is None and self.master is not None:
            self._resize = self.loop.call_later(RESIZE_EVERY, self._apply_size)

    def _apply_size(self) -> None:
        self._resize = None
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
        self.last_word()
        self._cleanup()
        self.server.notes.append(f"session ended: {self.end_reason or 'quit'}")
        self.channel.exit(self.exit_status if self.exit_status is not None else 0)

    def last_word(self) -> None:
        """The farewell, once: at the end, or before the server closes a session that is slow
        to end (a busy machine: the server's 6 s were up before the app had saved)."""
        if self.farewell and not self._farewell_sent:
            self._farewell_sent = True
            self.channel.write(("\r\n" + self.farewell + "\r\n").encode())

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
