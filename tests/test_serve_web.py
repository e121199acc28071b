"""`postshelf serve --web`: a login by token, Host and Origin checks, limits. A real server
process on a loopback port, aiohttp and raw sockets as the browsers."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import time

import pytest

pytest.register_assert_rewrite("serve_helpers")
from serve_helpers import REPO, SERVE, SERVE_MARKS, SMALL_SHOWN, wait_until  # noqa: E402

pytest_plugins = ["serve_helpers"]  # the fixtures: keys, serve, small_archive, tmux
pytestmark = SERVE_MARKS


def token_of(server) -> str:
    return server.wait_for(r"web http://127\.0\.0\.1:\d+/\?token=(\S+)")[1]


def client_session():
    import aiohttp

    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # cookies for 127.0.0.1 too


async def read_screen(websocket, text: str, timeout: float = 60) -> str:
    """The session's output until `text` shows (escape sequences taken out)."""
    import aiohttp

    received = b""
    deadline = time.monotonic() + timeout
    while text not in (plain := re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", received.decode("utf-8", "replace"))):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out waiting for {text!r}: {plain[-300:]!r}")
        message = await asyncio.wait_for(websocket.receive(), left)
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
        if message.type == aiohttp.WSMsgType.BINARY:
            received += message.data
    return plain


async def test_web_login_by_token_then_cookie(serve, small_archive):
    import aiohttp

    server = serve("--web", "127.0.0.1:0", ssh=False, corpus=small_archive)
    port = server.web_port
    token = token_of(server)
    assert len(token) >= 22  # at least 128 random bits
    base = f"http://127.0.0.1:{port}"
    async with client_session() as stranger:
        for path in ("/", "/static/js/textual.js", "/download/anything", f"/?token={'x' * len(token)}"):
            async with stranger.get(base + path) as response:
                assert response.status == 401, path
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await stranger.ws_connect(f"{base}/ws", origin=base)
        assert refused.value.status == 401
    server.wait_for(r"web 127\.0\.0\.1 refused \(401\): no valid login cookie or token \[GET /static/js/textual\.js")

    async with client_session() as browser:
        async with browser.get(f"{base}/?token={token}&fontsize=14", allow_redirects=False) as login:
            assert login.status == 303
            assert login.headers["Location"] == "/?fontsize=14"  # the token leaves the address bar
            cookie = login.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        async with browser.get(f"{base}/") as page:
            assert page.status == 200
            html = await page.text()
        assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in html
        assert token not in html
        async with browser.get(f"{base}/static/js/textual.js") as script:
            assert script.status == 200
        async with browser.ws_connect(f"{base}/ws?width=100&height=30", origin=base) as websocket:
            await read_screen(websocket, SMALL_SHOWN)
            assert len(server.sessions()) == 1
            # Export is a download to the reader's machine, not a file on the server.
            await websocket.send_str(json.dumps(["stdin", "e"]))
            while (message := await asyncio.wait_for(websocket.receive(), 30)).type != aiohttp.WSMsgType.TEXT:
                pass
            kind, key = json.loads(message.data)
            assert kind == "deliver_file_start"
            async with browser.get(f"{base}/download/{key}") as download:
                assert download.status == 200
                assert (await download.text()).startswith("---\ntitle: Small post 5")
            await websocket.send_str(json.dumps(["stdin", "q"]))
            while (await asyncio.wait_for(websocket.receive(), 30)).type not in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.CLOSING,
            ):
                pass
    server.wait_for(r"web 127\.0\.0\.1 logged in with the token")
    server.wait_for(r"web 127\.0\.0\.1 web [\d.]+s closed: client closed")
    wait_until(lambda: not server.sessions(), "the web session to end", timeout=30)


async def test_web_refuses_other_origins_and_hosts(serve, small_archive):
    import aiohttp

    server = serve("--web", "127.0.0.1:0", ssh=False, corpus=small_archive)
    port = server.web_port
    base = f"http://127.0.0.1:{port}"
    token = token_of(server)
    async with client_session() as browser:
        async with browser.get(f"{base}/?token={token}") as page:
            assert page.status == 200
        # A page on another site opening a websocket through the reader's browser (which sends
        # the cookie along, whatever SameSite says about websockets in old browsers).
        for origin in ("http://evil.example", f"http://127.0.0.1:{port + 1}", "null", None):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await browser.ws_connect(f"{base}/ws", origin=origin)
            assert refused.value.status == 403, origin
        # DNS rebinding: evil.example now points at 127.0.0.1; its page sends its own Host.
        for host in (f"evil.example:{port}", "127.0.0.1", f"localhost.evil.example:{port}"):
            async with browser.get(f"{base}/?token={token}", headers={"Host": host}) as page:
                assert page.status == 403, host
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await browser.ws_connect(f"{base}/ws?token={token}", origin=f"http://{host}", headers={"Host": host})
            assert refused.value.status == 403, host
        async with browser.get(f"http://localhost:{port}/", headers={"Host": f"localhost:{port}"}) as page:
            assert page.status in (200, 401)  # localhost is this server (a loopback bind)
    assert not server.sessions()
    server.wait_for(r"refused \(403\): websocket Origin is not this page's .*origin=http://evil\.example\]")
    server.wait_for(r"refused \(403\): Host is not this server's address \[GET / host=evil\.example:\d+")


@pytest.mark.slow
async def test_web_idle_timeout_and_sessions_per_login(serve, small_archive):
    import aiohttp

    server = serve(
        "--web", "127.0.0.1:0", "--idle-timeout", "6s", "--max-sessions-per-key", "1", ssh=False, corpus=small_archive
    )
    base = f"http://127.0.0.1:{server.web_port}"
    token = token_of(server)
    async with client_session() as browser:
        async with browser.get(f"{base}/?token={token}") as page:
            assert page.status == 200
        async with browser.ws_connect(f"{base}/ws?width=10000&height=10000", origin=base) as websocket:
            await read_screen(websocket, SMALL_SHOWN)
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await browser.ws_connect(f"{base}/ws", origin=base)
            assert refused.value.status == 429
            started = time.monotonic()
            while (await asyncio.wait_for(websocket.receive(), 60)).type not in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.CLOSING,
            ):
                pass
            assert time.monotonic() - started < 30
        # Another browser (another login) is not counted against this one's.
        async with client_session() as other:
            async with other.get(f"{base}/?token={token}") as page:
                assert page.status == 200
            # Taken (not refused with 429); its screen may be closed for idleness before it
            # shows on a busy machine, so it is not waited for.
            async with other.ws_connect(f"{base}/ws", origin=base) as websocket:
                assert not websocket.closed
    server.wait_for(r"web 127\.0\.0\.1 web [\d.]+s closed: idle 6 s")
    server.wait_for(r"refused \(429\): this login already has 1 sessions open")


def test_web_token_file_and_no_login(serve, small_archive, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("a-token-chosen-by-the-operator-0123456789\n")
    token_file.chmod(0o600)
    server = serve("--web", "127.0.0.1:0", "--web-token-file", str(token_file), ssh=False, corpus=small_archive)
    assert token_of(server) == "a-token-chosen-by-the-operator-0123456789"
    with socket.create_connection(("127.0.0.1", server.web_port), timeout=30) as sock:
        sock.sendall(
            b"GET /?token=a-token-chosen-by-the-operator-0123456789 HTTP/1.1\r\n"
            b"Host: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % server.web_port
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 303")
    token_file.chmod(0o666)
    refused = subprocess.run(
        SERVE + [str(small_archive), "--web", "127.0.0.1:0", "--web-token-file", str(token_file)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "token file" in refused.stderr and "written by others" in refused.stderr

    open_server = serve("--web", "127.0.0.1:0", "--web-no-login", ssh=False, corpus=small_archive)
    assert re.search(r"WARNING: --web-no-login: the web mode has NO LOGIN: ANYONE", open_server.output)
    with socket.create_connection(("127.0.0.1", open_server.web_port), timeout=30) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % open_server.web_port)
        assert sock.recv(100).startswith(b"HTTP/1.1 200")


async def test_web_connections_are_capped_refusals_logged_sparingly_and_no_open_redirect(serve, small_archive):
    """No login is needed to open sockets or be refused: one address gets 32 connections (4,200
    idle ones took every descriptor, SSH's too), refusals are logged 20 a second at most (3,000
    a second before), and the token's redirect stays on this site (`//evil.example/x` was
    another)."""
    import aiohttp

    from tui.serve.web_door import PER_ADDRESS

    server = serve("--web", "127.0.0.1:0", corpus=small_archive)
    port, token = server.web_port, token_of(server)
    idle = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(PER_ADDRESS + 8)]
    try:
        closed = 0
        for sock in idle[PER_ADDRESS:]:  # the ones beyond the cap are closed by the server
            try:
                closed += sock.recv(1) == b""
            except ConnectionResetError:
                closed += 1
        assert closed == 8
        server.wait_for(r"web 127\.0\.0\.1 refused: too many connections open \(32 from it\)")
    finally:
        for sock in idle:
            sock.close()
    # The idle sockets gone, the address is served again; refusals in a burst are counted, not logged.
    async with aiohttp.ClientSession() as client:
        await wait_for_room(client, port)
        for _ in range(200):
            async with client.get(f"http://127.0.0.1:{port}/nothing-{_}") as refused:
                assert refused.status == 401
        async with client.get(f"http://127.0.0.1:{port}//evil.example/x?token={token}", allow_redirects=False) as login:
            assert login.status == 303 and login.headers["Location"] == "/evil.example/x"
    server.wait_for(r"more web refusal lines left out: too many to log")
    assert sum("refused (401)" in line for line in server.lines) <= 100


async def wait_for_room(client, port: int) -> None:
    """Until the server has pruned the closed sockets (it counts them at the next accept)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            async with client.get(f"http://127.0.0.1:{port}/") as response:
                if response.status == 401:
                    return
        except aiohttp_errors():
            pass
        assert time.monotonic() < deadline, "the web front end never took connections again"
        await asyncio.sleep(0.1)


def aiohttp_errors() -> tuple[type[BaseException], ...]:
    import aiohttp

    return (aiohttp.ClientError, OSError)


async def test_web_logins_again_and_again_push_out_only_their_own(serve, small_archive):
    """A token holder who logs in over and over (each login a new cookie) pushes out its own
    oldest cookies, beyond 256 an address, never another reader's."""
    import aiohttp

    from tui.serve.web import COOKIE, MAX_LOGINS_PER_ADDRESS

    server = serve("--web", "127.0.0.1:0", ssh=False, corpus=small_archive)
    base, token = f"http://127.0.0.1:{server.web_port}", token_of(server)
    async with client_session() as reader:
        async with reader.get(f"{base}/?token={token}") as page:
            assert page.status == 200
        other = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))  # another address (all of 127/8 is loopback)
        async with aiohttp.ClientSession(connector=other, cookie_jar=aiohttp.DummyCookieJar()) as repeater:
            cookies = []
            for _ in range(MAX_LOGINS_PER_ADDRESS + 20):
                async with repeater.get(f"{base}/?token={token}", allow_redirects=False) as login:
                    assert login.status == 303
                    cookies.append(login.cookies[COOKIE].value)
            for cookie, kept in ((cookies[0], False), (cookies[19], False), (cookies[20], True), (cookies[-1], True)):
                async with repeater.get(f"{base}/", headers={"Cookie": f"{COOKIE}={cookie}"}) as page:
                    assert page.status == (200 if kept else 401)
        async with reader.get(f"{base}/") as page:
            assert page.status == 200  # logged in since before all of those


def test_logins_from_one_ipv6_network_count_together() -> None:
    """A machine is given a whole IPv6 /64: its addresses are one owner of logins."""
    from tui.serve.web import login_owner

    assert login_owner("2001:db8::1") == login_owner("2001:db8::ffff:2") == "2001:db8::/64"
    assert login_owner("2001:db8:0:1::1") != login_owner("2001:db8::1")
    assert login_owner("::ffff:10.0.0.1") == "10.0.0.1" and login_owner("127.0.0.1") == "127.0.0.1"


def test_a_full_login_table_forgets_the_logins_of_whoever_holds_the_most() -> None:
    """A token holder logging in from 40 IPv6 /64s (a home's /56 has 256) filled the table and
    pushed out every reader who had logged in once (found in review): the one holding the
    most logins loses its oldest instead."""
    import socket

    from tui.serve import web
    from tui.serve.sessions import SessionFactory

    left, right = socket.socketpair()
    with left, right:
        factory = SessionFactory(0, "/nonexistent", "/nonexistent", left)
        server = web.WebServer(
            factory, "127.0.0.1", 0, title="t", max_sessions=1, public_url=None, log=print, token="x"
        )
        readers = [server._new_login(web.login_owner(f"198.51.100.{n}")) for n in range(5)]
        for n in range(web.MAX_LOGINS):
            server._new_login(web.login_owner(f"2001:db8:1234:{n % 40:x}::1"))
        assert len(server.logins) == web.MAX_LOGINS
        assert all(login in server.logins for login in readers)
