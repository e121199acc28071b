"""One SSH connection: login by key (or anonymously, when allowed), the cap on sessions per
connection, time without a session, refusals of forwarding, and its line in the log."""

from __future__ import annotations

import asyncio
import time

import asyncssh

from .durations import format_duration
from .gate import Pending
from .keys import fingerprint
from .logs import Notes, clean
from .ssh_hub import Hub
from .ssh_session import ReaderSession

MAX_KEY_CHECKS = 40
"""Keys a connection may have checked before login (each offered key is checked twice: asked
about, then signed). sshd stops at 6 failures; 20 keys leaves room for a full agent, and a
client cannot make the server scan authorized_keys thousands of times in one login."""
MAX_REFUSED = 100
"""Requests refused on one connection (forwarding, subsystems, extra channels) before it is
closed: each costs the server a little, and a reader never makes them."""
ENV_NAMES = {b"TERM", b"COLORTERM", b"NO_COLOR", b"LANG"}
"""Environment requests kept (what the session uses); every other one is refused and dropped."""
ENV_VALUE_MAX = 64


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
        self.key_checks = 0
        self.notes = Notes()
        """What was refused or ended on this connection, for its log line."""
        self.reason: str | None = None
        """Why the server closed it (None: the client did)."""
        self.term = ""
        self.unused_since = time.monotonic()
        self._unused_timer: asyncio.TimerHandle | None = None

    @property
    def owner(self) -> str:
        """Who the per-key caps count against: the key, or for anonymous readers their address
        (not the key they offered: keys cost nothing to make, one a session would take every
        slot)."""
        if self.identity and self.identity != "anonymous":
            return self.identity
        return f"anonymous:{self.peer[0]}"

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
        notes = f" ({self.notes})" if self.notes else ""
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
        if any(session.running for session in self.channels) or not self.hub.unused_timeout:
            return
        self.unused_since = time.monotonic()
        self._unused_timer = asyncio.get_running_loop().call_later(self.hub.unused_timeout, self._close_if_unused)

    def _close_if_unused(self) -> None:
        """No session running all this time: a channel opened that never asked for a shell
        counts as none (it held a slot of `max_connections` for good)."""
        self._unused_timer = None
        if not any(session.running for session in self.channels) and self in self.hub.connections:
            self.close(f"no session for {format_duration(self.hub.unused_timeout)}")

    def session_began(self) -> None:
        """A session runs on this connection: it is in use until the session ends."""
        if self._unused_timer is not None:
            self._unused_timer.cancel()
            self._unused_timer = None

    def refused(self, note: str) -> None:
        """A request refused: noted; past MAX_REFUSED the connection is closed."""
        self.notes.append(note)
        if self.notes.refused >= MAX_REFUSED and self.reason is None:
            self.close(f"{MAX_REFUSED} requests refused", "postshelf: too many refused requests")

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
        self.key_checks += 1
        if self.key_checks > MAX_KEY_CHECKS:
            self.close(f"more than {MAX_KEY_CHECKS // 2} keys offered", "postshelf: too many keys offered")
            return False
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
        mine = sum(1 for other in self.hub.connections if other.authenticated and other.owner == self.owner)
        if mine > self.hub.per_key + 2:  # its sessions, and a couple between sessions
            who = "address" if self.owner.startswith("anonymous:") else "key"
            self.close(
                f"too many connections for this {who}",
                f"postshelf: this {who} already has {mine - 1} connections open here; close one first",
            )
            return
        self._arm_unused()

    def session_requested(self):
        if len(self.channels) >= self.hub.per_connection:
            self.refused("refused: another session on the same connection")
            raise asyncssh.ChannelOpenError(
                asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED,
                f"postshelf: {self.hub.per_connection} session(s) per connection; open another connection",
            )
        session = ReaderSession(self)
        self.channels.add(session)  # (in use only once it runs: session_began)
        channel = self.connection.create_server_channel()
        if type(channel) is asyncssh.SSHServerChannel:
            channel.__class__ = _BoundedChannel  # same object, bounded environment requests
        return channel, session

    # Forwarding of any kind is refused (asyncssh's default too): say so in the log.

    def connection_requested(self, dest_host, dest_port, orig_host, orig_port):
        self.refused(f"refused forwarding to {clean(dest_host, 40)}:{clean(dest_port, 8)}")
        return False

    def server_requested(self, listen_host, listen_port):
        self.refused(f"refused remote forwarding from {clean(listen_host, 40)}:{clean(listen_port, 8)}")
        return False

    def unix_connection_requested(self, dest_path):
        self.refused(f"refused forwarding to a Unix socket {clean(dest_path, 40)}")
        return False

    def unix_server_requested(self, listen_path):
        self.refused(f"refused remote forwarding from a Unix socket {clean(listen_path, 40)}")
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
