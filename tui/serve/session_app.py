"""The app as a remote reader gets it: the whole browser, but nothing written on the server
except that reader's own reading state.

PostshelfApp can write files where its user says (export, screenshots) and remembers the
theme for everyone who shares the settings file: fine for the owner at their terminal, not
for a reader on a shared server. Over SSH those are refused with a notice; in a browser the
export and screenshots are downloads to the reader's machine instead.
"""

from __future__ import annotations

import asyncio
import io
import json
import signal
import socket
import threading
from pathlib import Path

from textual.widget import AwaitMount

from ..app import PostshelfApp
from ..archive.export import post_as_markdown
from ..screens.export import ExportScreen
from .session_protocol import EXIT_MEMORY, ran_out_of_memory

REFUSED_ACTIONS = {"suspend_process"}
"""Actions that make no sense for a remote reader (suspending would freeze the session)."""


class ServedApp(PostshelfApp):
    def __init__(
        self, roots: list[Path], archive, *, profile: str, web: bool, messages: socket.socket | None = None
    ) -> None:
        super().__init__(roots, archive=archive, watch=False)
        self.profile = profile
        self.web = web
        self.messages = messages
        """From the session factory: files that changed (applied here as the local app's watcher
        does), notices for the reader. The server watches the files once for every session."""

    hung_up = False
    """SIGHUP or SIGTERM came before the app's loop ran: quit once mounted."""

    async def on_mount(self) -> None:
        # Textual runs PostshelfApp.on_mount after this one (every class's handler is called):
        # what follows waits until the main screen is there.
        self.call_after_refresh(self._after_mount)

    def _after_mount(self) -> None:
        if self.hung_up:
            self.exit()
        elif self.messages is not None:
            threading.Thread(
                target=self._follow_messages, args=(self.messages,), name="postshelf-messages", daemon=True
            ).start()

    def _follow_messages(self, messages: socket.socket) -> None:
        from ..archive.loader import apply_file_changes

        while True:
            try:
                data = messages.recv(65536)
            except InterruptedError:
                continue
            except OSError:
                return
            if not data:
                return
            try:
                message = json.loads(data)
                if message.get("changed"):
                    archive = self.archive  # the served archive, given when the app was made
                    if archive is not None and apply_file_changes(archive, set(message["changed"])):
                        self.call_from_thread(self.main_screen.refresh_posts)
                elif message.get("notice"):
                    self.call_from_thread(
                        self.notify, str(message["notice"]), title="postshelf", timeout=10, markup=False
                    )
            except RuntimeError:  # the app has stopped
                return
            except (ValueError, AttributeError, TypeError, OSError):
                continue

    def watch_theme(self, theme: str) -> None:
        """A reader's theme choice lasts their session: the settings file is the server's."""

    def push_screen(self, screen, *args, **kwargs):
        if isinstance(screen, ExportScreen):
            self._export_for_reader(screen)
            return AwaitMount(self.screen, [])
        return super().push_screen(screen, *args, **kwargs)

    def _export_for_reader(self, screen: ExportScreen) -> None:
        if not self.web:
            self.notify(
                "Export writes files on the server, so it is off here. `c` copies the post's link to your clipboard.",
                title="Export",
                severity="warning",
            )
            return
        text = post_as_markdown(screen.post, screen.markdown)
        self.deliver_text(
            io.StringIO(text),
            save_filename=screen.default_name,
            open_method="download",
            mime_type="text/markdown",
            encoding="utf-8",
        )
        self.notify(f"Downloading {screen.default_name}", title="Export", markup=False)

    def get_system_commands(self, screen):
        """Over SSH the palette offers no screenshot: it would be a file on the server."""
        for command in super().get_system_commands(screen):
            if self.web or command.title != "Screenshot":
                yield command

    def deliver_text(self, *args, **kwargs):
        """In a browser a download; over SSH it would be a file on the server: refused."""
        if not self.web:
            self.notify("Saving files is off on a shared server", severity="warning")
            return None
        return super().deliver_text(*args, **kwargs)

    def deliver_binary(self, *args, **kwargs):
        if not self.web:
            self.notify("Saving files is off on a shared server", severity="warning")
            return None
        return super().deliver_binary(*args, **kwargs)

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        name = action if isinstance(action, str) else action[1]
        if str(name).split("(", 1)[0].rsplit(".", 1)[-1] in REFUSED_ACTIONS:
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def request_exit(self) -> None:
        """SIGHUP (the reader's connection is gone) or SIGTERM (idle, server stopping):
        quit the normal way, so the reading state is saved."""
        self.exit()


def run_app(archive, roots: list[Path], *, profile: str, web: bool, messages: socket.socket | None = None) -> int:
    app = ServedApp(roots, archive, profile=profile, web=web, messages=messages)
    if web:
        from textual.drivers.web_driver import WebDriver

        app.driver_class = WebDriver
    else:
        from textual.drivers.linux_driver import LinuxDriver

        app.driver_class = LinuxDriver

    def on_signal(number, frame) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            # Before the app's loop started (it quits as soon as it is mounted) or after it
            # ended: the session is on its way out and saves its state first. Exiting here
            # would cut that off; the factory kills a session that takes longer than GRACE.
            app.hung_up = True
            return
        loop.call_soon_threadsafe(app.request_exit)

    for number in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(number, on_signal)
    app.run()
    finish_saving(app)
    if ran_out_of_memory(getattr(app, "_exception", None)):
        return EXIT_MEMORY
    return app.return_code or 0


def finish_saving(app: PostshelfApp, timeout: float = 10.0) -> None:
    """The session ends with its reading state on disk: a write still running in a worker
    thread is waited for (the process exits with os._exit, which would cut it off), then
    whatever is not saved yet is written here."""
    import time

    deadline = time.monotonic() + timeout
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
    screen = getattr(app, "main_screen", None)
    state = getattr(screen, "user_state", None)
    if state is not None and state.dirty:
        try:
            state.save()
        except OSError:
            pass
