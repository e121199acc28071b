"""What every SSH connection shares: the session factory, the rules (caps, timeouts), who is on.

A connection (ssh_connection.py) and its sessions (ssh_session.py) read the rules here and
register themselves; the hub closes idle sessions and stops everything at shutdown.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import asyncssh

from .durations import format_duration
from .gate import Gate
from .keys import AuthorizedKeys
from .logs import log
from .sessions import SessionFactory


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
    handshakes: set = field(default_factory=set)
    """Handshakes running (ssh.py): kept here so none is collected while it runs."""

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
                        f"postshelf: closed after {format_duration(self.idle_timeout)} without a key press.",
                        f"idle {format_duration(self.idle_timeout)}",
                    )

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
        for session in list(self.sessions):  # still saving: the reader is told all the same
            session.last_word()
        # A session that ended has sent its goodbye and exit status: its client hangs up by
        # itself. Closed at once, the goodbye could still be on its way, and was lost.
        deadline = time.monotonic() + 1
        while any(connection.channels for connection in self.connections) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for connection in list(self.connections):
            connection.close("server stopping")
        await asyncio.sleep(0.1)
