"""The browser front end: textual-serve's page and websocket, each browser its own session.

textual-serve runs a shell command per browser and speaks Textual's web driver protocol over
its pipes. The command here is web_session.py, which passes those pipes to a session forked
from the loaded archive (sessions.py), so a browser's session starts as fast as an SSH one
and shares the archive's memory. Browsers have no identity here: they share the "web"
reading state. The page, its scripts and the websocket are all served by this process.
"""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

from aiohttp import web
from textual_serve.server import Server

from .sessions import SessionFactory

WEB_PROFILE = "web"


def session_command(factory: SessionFactory) -> str:
    helper = Path(__file__).with_name("web_session.py")
    return " ".join(shlex.quote(part) for part in (sys.executable, "-I", str(helper), factory.path, WEB_PROFILE))


class WebServer(Server):
    """textual-serve's Server, with a session limit, a log line per browser, links relative
    to the address the browser used (so it works behind any name), and our own start."""

    def __init__(self, factory: SessionFactory, host: str, port: int, *, title: str, max_sessions: int,
                 public_url: str | None, log) -> None:
        super().__init__(session_command(factory), host=host, port=port, title=title, public_url=public_url)
        self.fixed_public_url = public_url
        self.max_sessions = max_sessions
        self.active = 0
        self.log = log
        self.runner: web.AppRunner | None = None

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a banner to stdout here; the command prints its own lines."""

    async def handle_index(self, request: web.Request):
        if self.fixed_public_url is None:
            # No awaits between this and the template reading it: safe on one event loop.
            self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if self.active >= self.max_sessions:
            return web.Response(status=503, text=f"all {self.max_sessions} sessions are in use; try again later\n")
        self.active += 1
        started = time.monotonic()
        try:
            return await super().handle_websocket(request)
        finally:
            self.active -= 1
            self.log(f"web {request.remote} {WEB_PROFILE} {time.monotonic() - started:.1f}s")

    async def start(self) -> int:
        """Listen; returns the port (useful when asked for port 0)."""
        self.runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        self.port = self.runner.addresses[0][1]
        return self.port

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
