"""Opening a post's links from the terminal, locally or over SSH.

`webbrowser.open` on the machine running postshelf is useless over SSH: it would start a
browser on the server (or a text browser in our own terminal). There, the link is copied
instead, with OSC 52, which the terminal on the user's side puts on their clipboard.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import webbrowser

from textual.app import App
from textual.worker import Worker

from .archive.sanitize import one_line

SHOWN_URL = 80
"""Characters of a URL shown in a notification."""
# Browsers that would run inside this terminal, on top of the app.
_TERMINAL_BROWSERS = {"www-browser", "links", "links2", "elinks", "lynx", "w3m", "browsh", "carbonyl"}


def _in_ssh_session() -> bool:
    return any(os.environ.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))


def _without_display() -> bool:
    """Linux and the BSDs need X11 or Wayland for a browser; macOS and Windows do not."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd", "dragonfly")):
        return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return False


def can_open_browser() -> bool:
    """Whether a browser started here would be in front of the user."""
    return not _in_ssh_session() and not _without_display()


def why_no_browser() -> str:
    if _in_ssh_session():
        return "No local browser in this SSH session"
    if _without_display():
        return "No graphical display here"
    return "Could not open a browser"


def _shown(url: str) -> str:
    url = one_line(url)
    return url if len(url) <= SHOWN_URL else url[: SHOWN_URL - 1] + "…"


def copy_link(app: App, url: str, what: str = "link", reason: str = "") -> None:
    """Put `url` on the user's clipboard (OSC 52: works over SSH) and say so."""
    url = one_line(url)
    app.copy_to_clipboard(url)
    message = f"{reason}: copied the {what} instead" if reason else f"Copied the {what}"
    app.notify(f"{message}\n{_shown(url)}", title="Clipboard", markup=False)


def _launch(url: str) -> bool:
    """Runs in a thread: a GUI browser may take a while to start, or block until closed."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        browser = None
    name = os.path.basename(str(getattr(browser, "name", "") or ""))
    if type(browser) is webbrowser.GenericBrowser and name in _TERMINAL_BROWSERS:
        return False  # it would draw over the app in this very terminal
    return bool(webbrowser.open(url))


def open_link(app: App, url: str, what: str = "link") -> Worker[None] | None:
    """Open `url` in a browser when one would be in front of the user; copy it otherwise.

    The browser starts in a daemon thread: the event loop never waits for it, and a browser
    command that blocks until its window closes cannot hold up quitting. Returns the worker
    that waits for it (tests wait on it), or None when the link was copied straight away.
    """
    url = one_line(url)
    if app.is_web:  # postshelf serve --web: the reader's own browser opens it
        app.open_url(url)
        app.notify(f"Opening {_shown(url)}", title="Browser", markup=False)
        return None
    if not can_open_browser():
        copy_link(app, url, what, why_no_browser())
        return None
    app.notify(f"Opening {_shown(url)}", title="Browser", markup=False)

    async def wait_for_browser() -> None:
        loop = asyncio.get_running_loop()
        opened: asyncio.Future[bool] = loop.create_future()

        def report(result: bool) -> None:
            if not opened.done():
                opened.set_result(result)

        def launch() -> None:
            try:
                result = _launch(url)
            except Exception:  # noqa: BLE001 - any browser failure falls back to the clipboard
                result = False
            try:
                loop.call_soon_threadsafe(report, result)
            except RuntimeError:  # the app has quit meanwhile
                pass

        threading.Thread(target=launch, name="postshelf-browser", daemon=True).start()
        if not await opened:
            copy_link(app, url, what, "Could not open a browser")

    return app.run_worker(wait_for_browser(), name="open-link", group="open-link", exit_on_error=False)
