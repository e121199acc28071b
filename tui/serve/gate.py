"""Before login: which TCP connections get an SSH handshake, in the spirit of sshd's
MaxStartups, LoginGraceTime and PerSourceMaxStartups.

A connection is accepted here and held until it speaks (an SSH client sends its version
string at once; an idle socket sends nothing). Only then is it handed to asyncssh.

- At most `per_source` unauthenticated connections from one address and `overall` in all
  are *held* (in the key exchange and login, or accepted and not yet heard from). A
  connection beyond those caps is on probation: if it speaks within PROBATION seconds it
  takes the place of the oldest held connection that has said nothing (the cheapest to
  lose, and the likeliest to be an attacker's); if it stays silent it is closed. So idle
  sockets, however many and re-opened as they drop, never keep out a client that talks,
  and nothing spins while they wait.
- A client that speaks while every held slot is taken by talking connections waits in a
  queue (first come, first served; handshakes take a fraction of a second) for the rest of
  its grace time. Random early drop when crowded: once the queue is half full (`overall`/2),
  a newcomer is refused with a probability rising to 1 when it is full (`overall`).
- The whole login, from accept to authenticated, must fit in `grace` seconds.
- Authenticated connections are not counted here: a reader who has logged in is never
  refused because others are logging in.
- A refused client that spoke gets a proper SSH disconnect with the reason (OpenSSH shows
  `Received disconnect from …: too many connections logging in; try again in a moment`).
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import struct
import time
from collections import Counter
from dataclasses import dataclass, field

from .logs import LimitedLog

PROBATION = 2.0
"""Seconds a connection beyond the caps has to send its SSH version string."""
CEILING = 512
"""Sockets held before login, probation included: beyond this a new one is refused at once."""
SERVER_VERSION = b"SSH-2.0-postshelf\r\n"
DISCONNECT_TOO_MANY = 12  # SSH_DISCONNECT_TOO_MANY_CONNECTIONS (RFC 4253 11.1)
LINGER = 2.0
"""Seconds a refused connection is kept half-closed, so the client reads the reason."""
LOG_LINES_PER_SECOND = 20
"""Connection lines logged per second before the rest are only counted (a flood cannot flood the log)."""


def disconnect_packet(reason: str, code: int = DISCONNECT_TOO_MANY) -> bytes:
    """SSH_MSG_DISCONNECT as the first binary packet (no encryption or MAC yet)."""
    text = reason.encode()
    payload = bytes([1]) + struct.pack(">I", code) + struct.pack(">I", len(text)) + text + struct.pack(">I", 0)
    padding = 8 - (5 + len(payload)) % 8
    if padding < 4:
        padding += 8
    return struct.pack(">IB", 1 + len(payload) + padding, padding) + payload + os.urandom(padding)


@dataclass(eq=False)
class Pending:
    """One connection that has not logged in yet."""

    sock: socket.socket
    address: str
    """The peer's IP address (the per-source key)."""
    shown: str
    """ip:port for the log."""
    accepted: float = field(default_factory=time.monotonic)
    held: bool = True
    spoke: bool = False
    timer: asyncio.TimerHandle | None = None


class Gate:
    def __init__(self, start_handshake, *, per_source: int = 10, overall: int = 30, grace: float = 10.0) -> None:
        """`start_handshake(pending, seconds_left)` hands a connection that spoke to asyncssh."""
        self.start_handshake = start_handshake
        self.per_source = per_source
        self.overall = overall
        self.grace = grace
        self.pending: set[Pending] = set()
        self.waiting: list[Pending] = []
        """Connections that spoke while every slot was taken, first come first served."""
        self.queue_max = overall
        self.lingering: set[socket.socket] = set()
        self.listeners: list[socket.socket] = []
        self.loop = asyncio.get_running_loop()
        self._log = LimitedLog("ssh connection", LOG_LINES_PER_SECOND)
        self.refused = 0
        self.port = 0

    def get_port(self) -> int:
        return self.port

    # ------------------------------------------------------------ counts

    def held(self, address: str | None = None) -> list[Pending]:
        return [p for p in self.pending if p.held and (address is None or p.address == address)]

    def counts(self) -> Counter:
        return Counter(p.address for p in self.pending if p.held)

    # ------------------------------------------------------------ listening

    def listen(self, host: str, port: int) -> int:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.create_server((host, port), family=family, backlog=256)
        listener.setblocking(False)
        self.listeners.append(listener)
        self.loop.add_reader(listener, self._accept, listener)
        return listener.getsockname()[1]

    def close(self) -> None:
        for listener in self.listeners:
            self.loop.remove_reader(listener)
            listener.close()
        self.listeners.clear()
        for pending in list(self.pending):
            if not pending.spoke:
                self._close(pending)

    def _accept(self, listener: socket.socket) -> None:
        for _ in range(64):  # a burst at a time; the rest at the next turn of the loop
            try:
                sock, peer = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:  # EMFILE and friends: stop accepting for a moment
                self._log(f"ssh accept failed: {error.strerror}")
                self.loop.remove_reader(listener)
                self.loop.call_later(0.5, self._resume, listener)
                return
            sock.setblocking(False)
            address = str(peer[0])
            shown = f"[{address}]:{peer[1]}" if ":" in address else f"{address}:{peer[1]}"
            pending = Pending(sock, address, shown)
            if len(self.pending) >= CEILING:
                self._refuse(pending, "too many connections logging in")
                continue
            pending.held = len(self.held()) < self.overall and len(self.held(address)) < self.per_source
            self.pending.add(pending)
            seconds = self.grace if pending.held else PROBATION
            pending.timer = self.loop.call_later(seconds, self._silent_too_long, pending)
            self.loop.add_reader(sock, self._spoke, pending)

    def _resume(self, listener: socket.socket) -> None:
        if listener in self.listeners:
            self.loop.add_reader(listener, self._accept, listener)

    # ------------------------------------------------------------ decisions

    def _spoke(self, pending: Pending) -> None:
        """Its first bytes arrived (left in the socket for asyncssh): a handshake, a wait, or a refusal."""
        try:
            first = pending.sock.recv(1, socket.MSG_PEEK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            first = b""
        if not first:  # closed without a word
            self._close(pending, "closed by the client before it said anything" if pending.held else None)
            return
        self.loop.remove_reader(pending.sock)
        if pending.timer is not None:
            pending.timer.cancel()
            pending.timer = None
        pending.spoke = True
        if not pending.held:
            victim = self._silent_to_drop(pending.address)
            if victim is not None:
                self._close(victim, "dropped: said nothing while others waited to log in")
                pending.held = True
            elif self._room_for(pending.address):
                pending.held = True
            else:
                self._wait(pending)
                return
        self._begin(pending)

    def _room_for(self, address: str) -> bool:
        return len(self.held()) < self.overall and len(self.held(address)) < self.per_source

    def _wait(self, pending: Pending) -> None:
        """Every slot is taken by a connection that talks: wait for one (a handshake takes a
        fraction of a second), unless the queue is crowded (random early drop) or full."""
        queued = len(self.waiting)
        half = self.queue_max / 2
        if queued >= self.queue_max:
            self._refuse(pending, "too many connections logging in")
            return
        if queued >= half and random.random() < (queued - half + 1) / (self.queue_max - half + 1):
            self._refuse(pending, "too many connections logging in (random early drop)")
            return
        self.waiting.append(pending)
        self._log(f"ssh {pending.shown} - waiting for a slot to log in ({len(self.waiting)} waiting)")
        left = max(0.1, self.grace - (time.monotonic() - pending.accepted))
        pending.timer = self.loop.call_later(left, self._waited_too_long, pending)

    def _waited_too_long(self, pending: Pending) -> None:
        pending.timer = None
        if pending in self.waiting:
            self.waiting.remove(pending)
            self._refuse(pending, "too many connections logging in (no slot within the login grace time)")

    def _admit_waiting(self) -> None:
        for pending in list(self.waiting):
            if self._room_for(pending.address):
                self.waiting.remove(pending)
                if pending.timer is not None:
                    pending.timer.cancel()
                    pending.timer = None
                pending.held = True
                self._begin(pending)

    def _begin(self, pending: Pending) -> None:
        left = max(1.0, self.grace - (time.monotonic() - pending.accepted))
        self.start_handshake(pending, left)

    def _silent_to_drop(self, address: str) -> Pending | None:
        """The oldest held connection that has said nothing: from `address` when it is at its
        own cap, otherwise from anywhere."""
        pool = self.held(address) if len(self.held(address)) >= self.per_source else self.held()
        silent = [p for p in pool if not p.spoke]
        return min(silent, key=lambda p: p.accepted) if silent else None

    def _silent_too_long(self, pending: Pending) -> None:
        pending.timer = None
        if pending.held:
            self._close(pending, f"closed: sent nothing in {self.grace:g} s (login grace time)")
        else:
            self._close(pending, "refused: too many connections logging in, and it said nothing")

    # ------------------------------------------------------------ endings

    def done(self, pending: Pending) -> None:
        """Logged in, or closed by asyncssh: no longer counted."""
        if pending in self.pending:
            self.pending.discard(pending)
            if pending.held:
                self._admit_waiting()

    def _refuse(self, pending: Pending, reason: str) -> None:
        """Our version, then a disconnect with the reason: what a client that spoke can show.

        The socket is then half-closed and drained for a moment before it is closed: closing
        it with the client's bytes unread would send a reset, which loses the reason."""
        self.refused += 1
        sock = pending.sock
        self._close(pending, f"refused: {reason}", keep_socket=True)  # it lingers below
        try:
            self._drain(sock)
            sock.send(SERVER_VERSION + disconnect_packet(f"postshelf: {reason}; try again in a moment"))
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            sock.close()
            return
        if len(self.lingering) >= CEILING:
            sock.close()
            return
        self.lingering.add(sock)
        self.loop.add_reader(sock, self._drain_or_close, sock)
        self.loop.call_later(LINGER, self._end_linger, sock)

    @staticmethod
    def _drain(sock: socket.socket) -> bool:
        """Read what the client sent; False once it has closed."""
        while True:
            try:
                if not sock.recv(65536):
                    return False
            except (BlockingIOError, InterruptedError):
                return True
            except OSError:
                return False

    def _drain_or_close(self, sock: socket.socket) -> None:
        if not self._drain(sock):
            self._end_linger(sock)

    def _end_linger(self, sock: socket.socket) -> None:
        if sock in self.lingering:
            self.lingering.discard(sock)
            self.loop.remove_reader(sock)
            sock.close()

    def _close(self, pending: Pending, line: str | None = None, keep_socket: bool = False) -> None:
        held = pending in self.pending and pending.held
        self.pending.discard(pending)
        if pending in self.waiting:
            self.waiting.remove(pending)
        if pending.timer is not None:
            pending.timer.cancel()
            pending.timer = None
        try:
            self.loop.remove_reader(pending.sock)
        except (ValueError, OSError):
            pass
        if not keep_socket:
            pending.sock.close()
        if line:
            self._log(f"ssh {pending.shown} - {time.monotonic() - pending.accepted:.1f}s {line}")
        if held:
            self._admit_waiting()
