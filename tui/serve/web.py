"""The browser front end: textual-serve's page and websocket, each browser its own session,
behind a login by secret token (as Jupyter does).

textual-serve runs a shell command per browser and speaks Textual's web driver protocol over
its pipes. The command here is web_session.py, which passes those pipes to a session forked
from the loaded archive (sessions.py), so a browser's session starts as fast as an SSH one
and shares the archive's memory. Browsers share the "web" reading state.

What every request goes through (`_guard`), in this order:
- **Host**: the bound address, an IP address with the bound port, `localhost` on a loopback
  bind, or the `--public-url` host; anything else is refused (DNS rebinding: a page on
  attacker.example whose name now points at 127.0.0.1 sends `Host: attacker.example`).
- **Login**: `?token=` with the server's token sets an HttpOnly, SameSite=Strict cookie
  holding a random id of this browser's login, and redirects to the address without the
  token; every page, static file, download and websocket needs that cookie (or the token).
- **Origin**, on websocket upgrades: exactly this page's own origin (or `--public-url`'s), so
  no other site's page can open a session through a reader's browser.
Refused requests get 401/403 and a line in the log. Sessions are capped in all and per
login (cookie), and closed after `--idle-timeout` without a key press.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import secrets
import shlex
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from .logs import LimitedLog, clean
from .session_protocol import RESIZE_EVERY
from .sessions import SessionFactory
from .web_door import KEEPALIVE, WebDoor

WEB_PROFILE = "web"
COOKIE = "postshelf_login"
MAX_SIZE = (500, 200)
"""Columns and rows a web session gets at most (as over SSH)."""
MAX_LOGINS = 10000
"""Login cookies remembered; beyond this, the least recently used of the address holding the
most is forgotten (its browser logs in again): a token holder logging in from 40 networks
pushes out its own, not the readers who logged in once."""
MAX_LOGINS_PER_ADDRESS = 256
"""Login cookies one address (an IPv6 /64) holds: a token holder logging in again and again
pushes out only its own, not other readers' (the readers behind a reverse proxy share its
address)."""


def session_command(factory: SessionFactory) -> str:
    helper = Path(__file__).with_name("web_session.py")
    return " ".join(shlex.quote(part) for part in (sys.executable, "-I", str(helper), factory.path, WEB_PROFILE))


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def login_owner(address: str) -> str:
    """Whose logins a client's are counted with: its address, or for IPv6 its /64 network
    (one machine is given a whole /64 and can use any address in it)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def _split_host(value: str) -> tuple[str, int | None]:
    """`name:port`, `[v6]:port`, `name` -> (lower-case host without brackets, port or None)."""
    try:
        parts = urlsplit("//" + value)
        return (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", None


class WebServer(Server):
    """textual-serve's Server with a login, Host and Origin checks, session limits, idle
    timeout, bounded terminal sizes, a log line per browser and per refusal, and our own start."""

    def __init__(
        self,
        factory: SessionFactory,
        host: str,
        port: int,
        *,
        title: str,
        max_sessions: int,
        public_url: str | None,
        log,
        token: str | None,
        per_login: int = 3,
        idle_timeout: float = 0.0,
    ) -> None:
        super().__init__(session_command(factory), host=host, port=port, title=title, public_url=public_url)
        self.fixed_public_url = public_url
        self.max_sessions = max_sessions
        self.per_login = per_login
        self.idle_timeout = idle_timeout
        self.token = token
        """None: no login (--web-no-login)."""
        self.logins: dict[str, str] = {}
        """Login cookie ids given out, with the address each logged in from; the least
        recently used first."""
        self.logins_per_address: Counter = Counter()
        self.active = 0
        self.by_login: Counter = Counter()
        self.log = log
        self.refusal_log = LimitedLog("web refusal", write=log)
        """Refusals need no login: a client could ask for thousands a second."""
        self.runner: web.AppRunner | None = None
        self.door: WebDoor | None = None

    # ------------------------------------------------------------ the checks

    def host_allowed(self, value: str) -> bool:
        host, port = _split_host(value)
        if not host:
            return False
        if self.fixed_public_url:
            public = urlsplit(self.fixed_public_url)
            default = 443 if public.scheme == "https" else 80
            if host == (public.hostname or "").lower() and (port or default) == (public.port or default):
                return True
        if port != self.port:
            return False
        if _is_ip(host):
            return True  # a rebinding page cannot send an IP address as its Host: it has a name
        return host == "localhost" and _loopback(self.host)

    def origin_allowed(self, origin: str | None, request: web.Request) -> bool:
        if not origin:
            return False
        allowed = {f"{request.scheme}://{request.host}".lower()}
        if self.fixed_public_url:
            public = urlsplit(self.fixed_public_url)
            allowed.add(f"{public.scheme}://{public.netloc}".lower())
        return origin.lower().rstrip("/") in allowed

    def _valid_token(self, given: str | None) -> bool:
        if not given or self.token is None:
            return False
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _login_of(self, request: web.Request) -> str | None:
        cookie = request.cookies.get(COOKIE)
        if cookie and cookie in self.logins:
            self.logins[cookie] = self.logins.pop(cookie)  # now the most recently used
            return cookie
        return None

    def _new_login(self, address: str) -> str:
        if self.logins_per_address[address] >= MAX_LOGINS_PER_ADDRESS:
            self._forget(next(cookie for cookie, owner in self.logins.items() if owner == address))
        login = secrets.token_urlsafe(32)
        self.logins[login] = address
        self.logins_per_address[address] += 1
        if len(self.logins) > MAX_LOGINS:  # full: the oldest of whoever holds the most goes
            most = max(self.logins_per_address, key=self.logins_per_address.__getitem__)
            self._forget(next(cookie for cookie, owner in self.logins.items() if owner == most))
        return login

    def _forget(self, login: str) -> None:
        address = self.logins.pop(login)
        self.logins_per_address[address] -= 1
        if not self.logins_per_address[address]:
            del self.logins_per_address[address]

    def _refuse(self, request: web.Request, status: int, reason: str) -> web.Response:
        self.refusal_log(
            f"web {clean(request.remote or '?', 45)} refused ({status}): {reason} "
            f"[{clean(request.method, 10)} {clean(request.path, 60)} host={clean(request.host, 60)} "
            f"origin={clean(request.headers.get('Origin', '-'), 60)}]"
        )
        if status == 401:
            text = "postshelf: log in with the address the server printed when it started (http://…/?token=…).\n"
        else:
            text = f"postshelf: refused: {reason}\n"
        return web.Response(status=status, text=text)

    @web.middleware
    async def _guard(self, request: web.Request, handler):
        if not self.host_allowed(request.host):
            return self._refuse(request, 403, "Host is not this server's address")
        is_websocket = request.headers.get("Upgrade", "").lower() == "websocket"
        if self.token is not None:
            login = self._login_of(request)
            given = request.query.get("token")
            if login is None and self._valid_token(given):
                if is_websocket:
                    login = "token"  # a script with the token, no browser: counted as one login
                else:
                    login = self._new_login(login_owner(request.remote or "?"))
                    query = {name: value for name, value in request.query.items() if name != "token"}
                    # One leading slash: `//evil.example/x` as a Location is another site (an
                    # open redirect for whoever has a token link).
                    target = quote("/" + request.path.lstrip("/"), safe="/:@!$&'()*+,;=-._~")
                    target += "?" + urlencode(query) if query else ""  # (a `\` is quoted too)
                    response = web.HTTPSeeOther(location=target)
                    secure = request.scheme == "https" or (self.fixed_public_url or "").startswith("https:")
                    response.set_cookie(COOKIE, login, httponly=True, samesite="Strict", path="/", secure=secure)
                    self.log(f"web {clean(request.remote or '?', 45)} logged in with the token")
                    return response
            if login is None:
                return self._refuse(request, 401, "no valid login cookie or token")
            request["login"] = login
        else:
            request["login"] = "open"
        if is_websocket and not self.origin_allowed(request.headers.get("Origin"), request):
            return self._refuse(request, 403, "websocket Origin is not this page's")
        return await handler(request)

    # ------------------------------------------------------------ textual-serve's handlers

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a banner to stdout here; the command prints its own lines."""

    async def handle_index(self, request: web.Request):
        if self.fixed_public_url is None:
            # No awaits between this and the template reading it: safe on one event loop.
            self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    # textual-serve declares a WebSocketResponse; aiohttp takes any response, and a refusal is plain HTTP.
    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        login = request.get("login", "open")
        if self.active >= self.max_sessions:
            return self._refuse(request, 503, f"all {self.max_sessions} sessions are in use; try again later")
        if self.token is not None and self.by_login[login] >= self.per_login:
            return self._refuse(request, 429, f"this login already has {self.per_login} sessions open")
        self.active += 1
        self.by_login[login] += 1
        started = time.monotonic()
        remote = clean(request.remote or "?", 45)
        self.log(f"web {remote} open")
        state: dict[str, Any] = {"last_input": time.monotonic(), "reason": None}
        try:
            await self._run_session(request, state)
        finally:
            self.active -= 1
            self.by_login[login] -= 1
            if self.by_login[login] <= 0:
                del self.by_login[login]
            self.log(
                f"web {remote} {WEB_PROFILE} {time.monotonic() - started:.1f}s "
                f"closed: {state['reason'] or 'client closed'}"
            )
        return state.get("websocket") or web.Response(status=500)

    async def _run_session(self, request: web.Request, state: dict) -> None:
        """textual-serve's handle_websocket, with sizes bounded and an idle timeout."""
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1024 * 1024)
        state["websocket"] = websocket
        width = min(max(1, to_int(request.query.get("width", "80"), 80)), MAX_SIZE[0])
        height = min(max(1, to_int(request.query.get("height", "24"), 24)), MAX_SIZE[1])
        app_service: AppService | None = None
        watcher = None
        try:
            await websocket.prepare(request)
            # `close` as textual-serve passes it: AppService awaits it and ignores what it returns.
            app_service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,  # type: ignore[arg-type]
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            if self.idle_timeout:
                watcher = asyncio.ensure_future(self._close_when_idle(websocket, state))
            try:
                await self._messages(websocket, app_service, state)
            finally:
                await self._stop_app(app_service)
        except asyncio.CancelledError:
            state["reason"] = state["reason"] or "server stopping"
            await websocket.close()
        except Exception as error:  # noqa: BLE001 - one browser's trouble, logged, not the server's
            state["reason"] = state["reason"] or f"error: {clean(error, 60)}"
        finally:
            if watcher is not None:
                watcher.cancel()
            if app_service is not None:
                await self._stop_app(app_service)

    @staticmethod
    async def _stop_app(app_service: AppService) -> None:
        """Ask the session to quit; a session that does not is hung up on (its helper killed:
        the factory then ends it, saved or after a grace time)."""
        try:
            await asyncio.wait_for(asyncio.shield(app_service.stop()), 15)
        except TimeoutError:
            process = getattr(app_service, "_process", None)
            if process is not None and process.returncode is None:
                process.kill()

    async def _messages(self, websocket: web.WebSocketResponse, app_service: AppService, state: dict) -> None:
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind, data = envelope[0], envelope[1]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                state["last_input"] = time.monotonic()
                await app_service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                width = min(max(1, to_int(str(data.get("width", 80)), 80)), MAX_SIZE[0])
                height = min(max(1, to_int(str(data.get("height", 24)), 24)), MAX_SIZE[1])
                self._resize_later(app_service, state, (width, height))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    @staticmethod
    def _resize_later(app_service: AppService, state: dict, size: tuple[int, int]) -> None:
        """The last size of a burst, once per RESIZE_EVERY (each resize redraws the screen)."""
        state["size"] = size
        if state.get("resizing"):
            return
        state["resizing"] = True

        async def apply() -> None:
            await asyncio.sleep(RESIZE_EVERY)
            state["resizing"] = False
            await app_service.set_terminal_size(*state["size"])

        task = asyncio.ensure_future(apply())
        state.setdefault("tasks", set()).add(task)
        task.add_done_callback(state["tasks"].discard)

    async def _close_when_idle(self, websocket: web.WebSocketResponse, state: dict) -> None:
        while not websocket.closed:
            left = state["last_input"] + self.idle_timeout - time.monotonic()
            if left <= 0:
                state["reason"] = f"idle {self.idle_timeout:g} s"
                await websocket.close(code=4000, message=b"closed after a while without a key press")
                return
            await asyncio.sleep(min(left, 30.0))

    async def start(self) -> int:
        """Listen; returns the port (useful when asked for port 0)."""
        self.runner = web.AppRunner(
            await self._make_app(), handle_signals=False, access_log=None, keepalive_timeout=KEEPALIVE
        )
        await self.runner.setup()
        assert self.runner.server is not None
        self.door = WebDoor(self.runner.server, self.host, self.port, self.refusal_log)
        self.port = self.door.port
        return self.port

    async def stop(self) -> None:
        if self.door is not None:
            self.door.close()
        if self.runner is not None:
            await self.runner.cleanup()
