"""The SSH front end: keys in, a pseudo-terminal per reader, bytes relayed to their session.

asyncssh speaks the protocol; nothing here runs a shell or a command. Connections are
accepted by the gate (gate.py: the limits before login) and handed to asyncssh once they
speak; this module listens and starts those handshakes. The rest is split by concern:
ssh_hub.py (what connections share: rules, who is on), ssh_connection.py (login, one
connection), ssh_session.py (a session channel and its pty).

Each session channel gets a pty pair: the slave goes to a new session process (sessions.py),
the master stays here and is relayed to the channel (resizes become TIOCSWINSZ on it, which
the kernel turns into SIGWINCH for the app). Anything but an interactive terminal session is
refused: exec requests, `ssh -T`, SFTP and other subsystems, port, agent and X11 forwarding.

What a client controls is bounded: terminal size (MAX_SIZE), environment (ENV_NAMES, short
values), sessions per connection and per key, time without a session; every string it sends
reaches the log through `logs.clean`.
"""

from __future__ import annotations

import asyncio

import asyncssh

from .gate import Gate, Pending
from .ssh_connection import ReaderServer
from .ssh_hub import Hub


def start_handshake(hub: Hub, pending: Pending, seconds_left: float) -> None:
    """The gate hands over a connection that spoke: asyncssh takes it from here."""
    task = asyncio.ensure_future(_handshake(hub, pending, seconds_left))
    hub.handshakes.add(task)
    task.add_done_callback(hub.handshakes.discard)


async def _handshake(hub: Hub, pending: Pending, seconds_left: float) -> None:
    try:
        await asyncssh.run_server(
            pending.sock,
            options=hub.options,
            login_timeout=seconds_left,
            server_factory=lambda: ReaderServer(hub, pending),
        )
    except Exception:  # noqa: BLE001 - the connection's own line says what happened
        pass
    finally:
        if hub.gate is not None:
            hub.gate.done(pending)


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
    gate = Gate(
        lambda pending, seconds_left: start_handshake(hub, pending, seconds_left),
        per_source=hub.per_source_startups,
        overall=hub.max_startups,
        grace=hub.grace,
    )
    gate.port = gate.listen(host, port)
    hub.gate = gate
    return gate
