"""`postshelf serve` against clients that misbehave: floods before login, many channels, idle
connections, huge windows, environment floods, escape bytes, odd authorized_keys lines,
signals. Real clients (OpenSSH `ssh`, asyncssh, raw sockets) on 127.0.0.1; every flood is
bounded in count and time and stops by itself."""

from __future__ import annotations

import asyncio
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

pytest.register_assert_rewrite("serve_helpers")
from serve_helpers import (  # noqa: E402 - after the line above, so its asserts are rewritten too
    REPO,
    SERVE,
    SERVE_MARKS,
    SMALL_SHOWN,
    Server,
    alive,
    children,
    fingerprint,
    make_key,
    rss_mb,
    ssh_command,
    wait_until,
)

pytest_plugins = ["serve_helpers"]  # the fixtures: keys, serve, small_archive, tmux
pytestmark = SERVE_MARKS


def run_ssh(
    port: int, key: Path, *options: str, remote: tuple[str, ...] = ("true",), timeout: float = 60
) -> subprocess.CompletedProcess:
    """A command: refused after login (exit 1, "runs no commands"), so exit 1 means "got in"."""
    return subprocess.run(
        ssh_command(port, key, *options, tty=False, remote=remote),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


async def connect(port: int, key: Path, **options):
    import asyncssh

    return await asyncssh.connect(
        "127.0.0.1",
        port,
        username=options.pop("username", "reader"),
        client_keys=[str(key)],
        known_hosts=None,
        agent_path=None,
        config=None,
        **options,
    )


async def read_until(process, text: str, timeout: float = 60) -> str:
    """Output of an asyncssh session until `text` shows (escape sequences taken out)."""
    seen = ""
    deadline = time.monotonic() + timeout
    while text not in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting for {text!r}; got {seen[-500:]!r}")
        chunk = await asyncio.wait_for(process.stdout.read(65536), left)
        if not chunk:
            raise AssertionError(f"the session ended before {text!r}; got {seen[-500:]!r}")
        seen += chunk
    return seen


async def open_session(conn, term_size=(80, 24), until: str | None = SMALL_SHOWN, **options):
    """A terminal session on `conn`, read until the list shows (unless `until` is None)."""
    process = await conn.create_process(
        term_type=options.pop("term_type", "xterm-256color"),
        term_size=term_size,
        encoding="utf-8",
        errors="replace",
        **options,
    )
    if until:
        await read_until(process, until)
    return process


# ---------------------------------------------------------------- before login


@pytest.mark.slow
def test_idle_sockets_do_not_keep_a_reader_out(serve, keys, small_archive):
    """50 silent sockets, re-opened as they are dropped, while an authorized `ssh` gets in."""
    server = serve(corpus=small_archive)
    port = server.port
    stop = threading.Event()
    opened = [0]
    held: list[socket.socket] = []

    def flood() -> None:
        deadline = time.monotonic() + 90  # stops by itself whatever happens to the test
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                while len(held) < 50:
                    try:
                        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                    except OSError:
                        break
                    sock.setblocking(False)
                    held.append(sock)
                    opened[0] += 1
                readable, _, _ = select.select(held, [], [], 0.05)
                for sock in readable:
                    try:
                        data = sock.recv(4096)
                    except OSError:
                        data = b""
                    if not data:  # dropped by the server: open another
                        held.remove(sock)
                        sock.close()
        finally:
            for sock in held:
                sock.close()

    thread = threading.Thread(target=flood, daemon=True)
    thread.start()
    try:
        wait_until(lambda: len(held) >= 50, "50 idle sockets", timeout=30)
        # The ones beyond the caps are dropped (after their probation) and come back.
        wait_until(lambda: opened[0] >= 60, "idle sockets dropped and re-opened", timeout=30)
        times = []
        for _ in range(3):
            started = time.monotonic()
            result = run_ssh(port, keys["alice"])
            times.append(time.monotonic() - started)
            assert result.returncode == 1 and "runs no commands" in result.stderr, result.stderr
            assert len(held) >= 40  # the flood is still on
        print(
            f"\n50 idle sockets ({opened[0]} opened in all): an authorized ssh got in 3 of 3 times, "
            f"in {', '.join(f'{t:.2f}' for t in times)} s"
        )
    finally:
        stop.set()
        thread.join(30)
    assert server.process.poll() is None
    server.wait_for(r"refused: too many connections logging in, and it said nothing")


def test_a_client_refused_when_crowded_is_told_why(serve, keys, small_archive):
    server = serve("--max-startups", "1", corpus=small_archive)
    port = server.port
    stallers = []
    try:
        first = socket.create_connection(("127.0.0.1", port), timeout=10)
        stallers.append(first)
        first.sendall(b"SSH-2.0-staller\r\n")  # talks, then stalls in the key exchange
        assert first.recv(100).startswith(b"SSH-2.0-postshelf")
        second = socket.create_connection(("127.0.0.1", port), timeout=10)
        stallers.append(second)
        second.sendall(b"SSH-2.0-staller\r\n")
        server.wait_for(r"waiting for a slot to log in \(1 waiting\)")
        command = [
            "LogLevel=INFO" if part == "LogLevel=ERROR" else part  # shows the disconnect's reason
            for part in ssh_command(port, keys["alice"], tty=False, remote=("true",))
        ]
        result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    finally:
        for sock in stallers:
            sock.close()
    assert result.returncode == 255
    assert "too many connections logging in; try again in a moment" in result.stderr, result.stderr
    server.wait_for(r"ssh 127\.0\.0\.1:\d+ - [\d.]+s refused: too many connections logging in")
    # ...and once the crowd has gone (the server notices the closed sockets in its own time),
    # the same client gets in.
    wait_until(
        lambda: run_ssh(port, keys["alice"]).returncode == 1, "the client to get in once the crowd is gone", timeout=60
    )


def test_a_silent_connection_gets_the_login_grace_time_only(serve, small_archive):
    server = serve("--login-grace", "2s", corpus=small_archive)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        assert sock.recv(100) == b""  # closed by the server
    assert time.monotonic() - started < 15
    server.wait_for(r"ssh 127\.0\.0\.1:\d+ - [\d.]+s closed: sent nothing in 2 s \(login grace time\)")


# ---------------------------------------------------------------- after login


async def test_one_session_per_connection_and_a_few_per_key(serve, keys, small_archive):
    import asyncssh

    server = serve("--max-sessions-per-key", "2", corpus=small_archive)
    conn = await connect(server.port, keys["alice"])
    async with conn:
        await open_session(conn, (100, 30))
        refused = 0
        for _ in range(17):  # 18 channels on one connection filled the server before
            try:
                await conn.create_process(term_type="xterm", term_size=(80, 24))
            except asyncssh.ChannelOpenError as error:
                assert "1 session(s) per connection" in error.reason
                refused += 1
        assert refused == 17
        assert len(server.sessions()) == 1
        second_conn = await connect(server.port, keys["alice"])
        third_conn = await connect(server.port, keys["alice"])
        async with second_conn, third_conn:
            await open_session(second_conn, (80, 24))
            third = await open_session(third_conn, (80, 24), until=None)
            result = await asyncio.wait_for(third.wait(), 30)
            assert result.exit_status == 1
            assert "this key already has 2 sessions open here" in result.stderr
            # Another key is not counted against alice's.
            bob = await connect(server.port, keys["bob"])
            async with bob:
                await open_session(bob, (80, 24))
                assert len(server.sessions()) == 3
    server.wait_for(r"refused: another session on the same connection")
    server.wait_for(r"refused: 2 sessions for this key already")


@pytest.mark.slow
async def test_connections_without_a_session_are_closed(serve, keys, small_archive):
    server = serve("--unused-timeout", "2s", "--max-sessions", "1", corpus=small_archive)
    idle = await connect(server.port, keys["alice"])  # logged in, never asks for a session
    started = time.monotonic()
    await asyncio.wait_for(idle.wait_closed(), 30)
    assert time.monotonic() - started < 20
    server.wait_for(r"0 sessions, closed: no session for 2 s")
    # A connection whose session has ended is closed the same way (it held a slot for minutes).
    conn = await connect(server.port, keys["alice"])
    process = await open_session(conn, (80, 24))
    process.stdin.write("q")
    assert (await asyncio.wait_for(process.wait(), 30)).exit_status == 0
    await asyncio.wait_for(conn.wait_closed(), 30)
    server.wait_for(r"1 session, closed: no session for 2 s \(session ended: quit\)")
    # ...and the one slot is free for the next reader.
    again = await connect(server.port, keys["bob"])
    async with again:
        process = await open_session(again, (80, 24))


async def test_a_channel_that_never_asks_for_a_shell_holds_nothing(serve, keys, small_archive):
    """Channels opened and left without a pty or shell request: the connection counts as
    unused and is closed like one (before, 13 such connections kept the server full for good)."""
    import asyncssh

    server = serve("--unused-timeout", "2s", "--max-sessions", "3", corpus=small_archive)
    holders = [await connect(server.port, keys[name]) for name in ("alice", "bob")]
    for conn in holders:
        loop = asyncio.get_running_loop()
        channel = asyncssh.SSHClientChannel(conn, loop, "strict", None, "strict", 2 * 1024 * 1024, 32768)
        await channel._open(b"session")  # (asyncssh's own clients always ask for a shell or a command)
    started = time.monotonic()
    for conn in holders:
        await asyncio.wait_for(conn.wait_closed(), 30)
    assert time.monotonic() - started < 20
    server.wait_for(r"0 sessions, closed: no session for 2 s")


async def test_connections_per_key_are_capped_and_anonymous_readers_counted_by_address(
    serve, keys, small_archive, tmp_path
):
    """A key may hold its sessions' connections and two more; an anonymous reader is counted
    by address, since keys cost nothing to make (one throwaway key a session took every slot)."""
    import asyncssh

    server = serve("--max-sessions-per-key", "1", corpus=small_archive)
    kept = [await connect(server.port, keys["alice"]) for _ in range(3)]  # 1 session + 2
    extra = await connect(server.port, keys["alice"])
    await asyncio.wait_for(extra.wait_closed(), 30)
    server.wait_for(r"closed: too many connections for this key")
    async with await connect(server.port, keys["bob"]):  # another key is not counted
        pass
    for conn in kept:
        conn.close()

    anonymous = serve("--allow-anonymous", "--max-sessions-per-key", "1", corpus=small_archive)
    first = await connect(anonymous.port, keys["stranger"])
    async with first:
        await open_session(first, (80, 24))
        throwaway = asyncssh.generate_private_key("ssh-ed25519")
        other = await asyncssh.connect(
            "127.0.0.1",
            anonymous.port,
            username="reader",
            client_keys=[throwaway],
            known_hosts=None,
            agent_path=None,
            config=None,
        )
        async with other:
            second = await open_session(other, (80, 24), until=None)
            result = await asyncio.wait_for(second.wait(), 30)
            assert result.exit_status == 1 and "this address already has 1 sessions open here" in result.stderr


async def test_refused_requests_are_counted_and_end_the_connection(serve, keys, small_archive):
    """A refused request is a note once with a count, and a hundred of them close the
    connection: a million grew the server by 200 MB and wrote a 70 MB log line."""
    import asyncssh

    server = serve(corpus=small_archive)
    conn = await connect(server.port, keys["alice"])
    for _ in range(300):
        try:
            await conn.open_connection("h" * 40, 80)
        except asyncssh.ChannelOpenError:
            continue
        except (asyncssh.Error, OSError):
            break
    await asyncio.wait_for(conn.wait_closed(), 30)  # closed by the server, not by this client
    line = server.wait_for(r"closed: 100 requests refused \(refused forwarding to h+…?:80 ×\d+\)")
    assert len(line.string.splitlines()[-1]) < 2000 and max(map(len, server.lines)) < 2000


async def test_a_client_offering_key_after_key_is_cut_off(serve, keys, small_archive):
    """Every key offered costs a look through authorized_keys: 100 unknown keys in one login
    are cut off after 20, and the connection closed with the reason."""
    import asyncssh

    server = serve(corpus=small_archive)
    strangers = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(100)]
    with pytest.raises((asyncssh.Error, OSError)):
        async with await asyncssh.connect(
            "127.0.0.1",
            server.port,
            username="reader",
            client_keys=strangers,
            known_hosts=None,
            agent_path=None,
            config=None,
        ):
            pass
    server.wait_for(r"closed: more than 20 keys offered")


async def test_a_huge_window_is_cut_to_size(serve, keys, small_archive):
    server = serve(corpus=small_archive)
    conn = await connect(server.port, keys["alice"])
    async with conn:
        process = await open_session(conn, (100, 30))
        (session,) = server.sessions()
        process.change_terminal_size(10000, 10000)
        await read_until(process, "500×200")  # said once, as a notification
        process.stdin.write("j")  # a key press, and a redraw of the whole (cut) screen
        await read_until(process, "Small post 4")
        peak = rss_mb(session, "VmHWM")
        print(f"\nsession after a 10000x10000 resize: peak {peak:.0f} MB")
        assert alive(session) and peak < 300
        # A first request that big is cut too.
        conn2 = await connect(server.port, keys["bob"])
        async with conn2:
            big = await open_session(conn2, (10000, 10000), until=None)
            await read_until(big, "500×200")
            (other,) = server.sessions() - {session}
            assert rss_mb(other, "VmHWM") < 300
    server.wait_for(r"terminal size cut to 500x200")


@pytest.mark.slow
async def test_an_environment_flood_is_discarded(serve, keys, small_archive):
    server = serve(corpus=small_archive)
    conn = await connect(server.port, keys["alice"])
    async with conn:
        warm = await open_session(conn, (80, 24))
        warm.stdin.write("q")
        await asyncio.wait_for(warm.wait(), 30)
    before = rss_mb(server.process.pid)
    flood = {f"FLOOD_{number}": "x" * 30_000 for number in range(2000)}  # 60 MB of env requests
    flood["COLORTERM"] = "truecolor"
    conn = await connect(server.port, keys["alice"])
    async with conn:
        process = await open_session(conn, (80, 24), env=flood)
        grown = rss_mb(server.process.pid) - before
        process.stdin.write("q")
        await asyncio.wait_for(process.wait(), 30)
    print(f"\nserver RSS after 2,000 env requests of 30 kB: {grown:+.1f} MB")
    assert grown < 20
    server.wait_for(r"2000 environment requests discarded")


async def test_escape_bytes_in_every_logged_field(serve, keys, small_archive, monkeypatch):
    """Every string a client chooses reaches the log escaped: no screen clears, no OSC 52,
    no forged lines."""
    import asyncssh

    server = serve("--allow-anonymous", "--web", "127.0.0.1:0", corpus=small_archive)
    evil = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202e\r\nFORGED {}"
    # A user name with control characters: asyncssh (client and server) refuses it (SASLprep);
    # the client's check is bypassed here, so the server's refusal is what gets logged.
    with monkeypatch.context() as patch:
        patch.setattr(asyncssh.connection, "saslprep", lambda text: text)
        with pytest.raises((asyncssh.Error, OSError)):
            async with await connect(server.port, keys["stranger"], username="r" + evil.format(1)):
                pass
    server.wait_for(r"ssh 127\.0\.0\.1:\d+ - [\d.]+s closed before login: .*Prohibited character")
    conn = await connect(server.port, keys["stranger"], username="r\\x1b[2J FORGED 1")
    async with conn:
        result = await conn.run("ls" + evil.format(2))
        assert result.exit_status == 1
        with pytest.raises(asyncssh.ChannelOpenError):
            # (asyncssh drops a non-ASCII subsystem name itself: this one is ASCII)
            await conn.create_session(asyncssh.SSHClientSession, subsystem="sftp\x1b[2J\x07\r\nFORGED 4")
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_connection("evil" + evil.format(5), 22)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("x" + evil.format(6), 0, "127.0.0.1", 22)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_unix_connection("/tmp/x" + evil.format(7))
    # The web front end: the path and the headers of a refused request.
    with socket.create_connection(("127.0.0.1", server.web_port), timeout=30) as sock:
        sock.sendall(
            b"GET /%1b[2J%0d%0aFORGED%208 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Origin: http://x\xe2\x80\xaey\r\nConnection: close\r\n\r\n"
        )  # (a bidi override: raw
        # control bytes in a header are refused by aiohttp itself with a 400, before any log)
        assert sock.recv(100).startswith(b"HTTP/1.1 40")
    server.wait_for(r"ssh 127\.0\.0\.1:\d+ anonymous key=\S+ user=r\\\\x1b\[2J FORGED 1 .* closed")
    server.wait_for(r"web 127\.0\.0\.1 refused \(40\d\).*FORGED 8")
    text = server.output
    for number in range(1, 9):
        if number == 3:
            continue  # (a terminal type: asyncssh clients send none with control characters; it is checked anyway)
        assert f"forged {number}" in text.lower(), number
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text and "\r" not in text
    assert not any(line.startswith("FORGED") for line in server.lines)
    assert "\\x1b[2J" in text


# ---------------------------------------------------------------- authorized_keys and key files


def test_authorized_keys_read_like_sshd(serve, keys, tmp_path, small_archive):
    folder = tmp_path / "more-keys"
    folder.mkdir()
    cases = {  # key name: (options, gets in)
        "from_elsewhere": ('From="10.9.9.9"', False),
        "from_here": ('FROM="127.0.0.1"', True),
        "no_pty": ("NO-PTY", False),
        "restricted": ("Restrict", False),
        "restricted_pty": ("Restrict,PTY", True),
        "forced": ('COMMAND="borg serve"', False),
        "unknown": ("Bogus-Option", False),
        "expired": ('Expiry-Time="20200101"', False),
        "expires_later": ('EXPIRY-TIME="29991231"', True),
    }
    made = {name: make_key(folder, name) for name in cases}
    lines = [f"{options} {made[name].with_suffix('.pub').read_text().strip()}" for name, (options, _) in cases.items()]
    keys["authorized"].write_text("\n".join(lines) + "\n")
    server = serve(corpus=small_archive)
    for name, (options, gets_in) in cases.items():
        result = run_ssh(server.port, made[name])
        assert (result.returncode == 1) == gets_in, (name, options, result.returncode, result.stderr)
    server.wait_for(r"line 7 skipped: unknown option 'bogus-option'")
    expired = re.escape(fingerprint(made["expired"].with_suffix(".pub")))
    server.wait_for(rf"{expired} user=reader [\d.]+s refused: key not authorized \(key expired")
    restricted = re.escape(fingerprint(made["no_pty"].with_suffix(".pub")))
    server.wait_for(rf"{restricted} user=reader [\d.]+s refused: key not authorized \(key restricted")


def test_key_files_others_can_write_are_refused(keys, tmp_path, small_archive):
    def start(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            SERVE + [str(small_archive), "--ssh", "127.0.0.1:0", *extra],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )

    keys["authorized"].chmod(0o666)
    result = start("--authorized-keys", str(keys["authorized"]))
    assert result.returncode == 2 and "can be written by others" in result.stderr
    keys["authorized"].chmod(0o600)
    host_key = keys["bob"]  # any private key will do
    host_key.chmod(0o646)
    result = start("--authorized-keys", str(keys["authorized"]), "--host-key", str(host_key))
    assert result.returncode == 2 and "host key" in result.stderr and "written by others" in result.stderr
    host_key.chmod(0o644)
    server = Server(
        [
            str(small_archive),
            "--ssh",
            "127.0.0.1:0",
            "--authorized-keys",
            str(keys["authorized"]),
            "--host-key",
            str(host_key),
        ]
    )
    try:
        server.ready()
        assert re.search(r"WARNING: host key .* can be read by others", server.output)
        # A file made writable by others later lets nobody in.
        keys["authorized"].chmod(0o666)
        assert run_ssh(server.port, keys["alice"]).returncode == 255
        server.wait_for(r"can be written by others .*nobody can log in until it is fixed")
    finally:
        server.stop()


# ---------------------------------------------------------------- signals, folders, reasons


@pytest.fixture()
def short_tmp():
    """A temporary folder with a short path: a Unix socket's path must fit in 108 bytes, and
    pytest-xdist makes tmp_path longer."""
    with tempfile.TemporaryDirectory(prefix="ps-") as folder:
        yield Path(folder)


async def test_signals_and_the_temporary_folder(serve, keys, small_archive, short_tmp):
    temporary = short_tmp / "tmp"
    temporary.mkdir()
    stale = temporary / "postshelf-serve-stale"
    stale.mkdir(mode=0o700)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    dead.bind(str(stale / "sessions"))
    dead.close()  # nobody listens there any more: a server that was killed
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    server = serve(corpus=small_archive, env={**os.environ, "TMPDIR": str(temporary)})
    assert f"removed {stale}, left by a server that was killed" in server.output
    (folder,) = temporary.glob("postshelf-serve-*")

    conn = await connect(server.port, keys["alice"])
    async with conn:
        await open_session(conn, (80, 24))
        (session,) = server.sessions()
        os.kill(server.factory, signal.SIGHUP)  # meant for a terminal: ignored
        os.kill(server.factory, signal.SIGINT)
        second = await connect(server.port, keys["bob"])
        async with second:
            await open_session(second, (80, 24))  # the factory still makes sessions...
        assert alive(server.factory) and alive(session)  # ...and the first one is still there
        os.kill(server.process.pid, signal.SIGKILL)  # the server dies without a word
        wait_until(lambda: not folder.exists(), "the temporary folder to be removed", timeout=30)
        wait_until(
            lambda: not alive(server.factory) and not alive(session), "the factory and session to end", timeout=30
        )


async def test_logs_say_why_sessions_end(serve, keys, small_archive):
    server = serve("--idle-timeout", "2s", corpus=small_archive)
    server.wait_for(r"ready")
    conn = await connect(server.port, keys["alice"])
    async with conn:
        process = await open_session(conn, (80, 24), until=None)
        await read_until(process, "closed after 2 s without a key press", timeout=60)
        await asyncio.wait_for(process.wait(), 30)
    server.wait_for(r"ssh 127\.0\.0\.1:\d+ open")
    server.wait_for(r"1 session, closed: client closed \(session ended: idle 2 s\)")


async def test_a_session_out_of_memory_says_so(serve, keys, small_archive):
    server = serve("--session-memory", "1", corpus=small_archive)
    conn = await connect(server.port, keys["alice"])
    async with conn:
        process = await open_session(conn, (80, 24), until=None)
        result = await asyncio.wait_for(process.wait(), 60)
        assert "used all the memory it may use here" in result.stdout
    server.wait_for(r"session ended: memory")
    assert not children(server.factory)


NEAR_THE_LIMIT = """
import resource
from tui.serve.session_protocol import ran_out_of_memory

with open("/proc/self/status") as status:
    size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
print(ran_out_of_memory(SystemError("error return without exception set")), end=" ")
resource.setrlimit(resource.RLIMIT_AS, (size + 2 * 1024 * 1024, resource.RLIM_INFINITY))
print(ran_out_of_memory(SystemError("error return without exception set")), ran_out_of_memory(None))
"""


def test_any_error_near_the_memory_limit_is_running_out_of_memory():
    """A C extension that fails to allocate may raise SystemError, not MemoryError: near its
    limit, a session's error is still reported as memory (the message the reader gets)."""
    done = subprocess.run(
        [sys.executable, "-c", NEAR_THE_LIMIT], capture_output=True, text=True, cwd=REPO, timeout=60, check=True
    )
    assert done.stdout.split() == ["False", "True", "False"]
