"""The postshelf App: opens the archive off the event loop and keeps the screen in step with it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
import signal
import threading
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .archive import Archive
from .archive.images import ImageCache
from .archive.loader import apply_file_changes
from .archive.opening import open_archive
from .archive.survey import folders_to_watch_next, watched_folders
from .archive.user_state import load_settings, save_settings
from .config import load_config
from .keymap import MAIN_BINDINGS, binding_ids, binding_rows, bound_keys, key_clashes, shadowed_keys, shared_keys
from .rendering import install_cjk_line_breaking
from .screens.main import MainScreen
from .screens.main_options import MainOptions
from .screens.sort_actions import SORT_NAMES
from .widgets.facet_panel import FacetPanel
from .widgets.post_list import PostList
from .widgets.reader_body import ReaderBody
from .widgets.search_bar import SearchBar

PROGRESS_EVERY = 0.2
"""Seconds between progress updates while loading (each one refreshes the list)."""


_CHOICES_LISTED = re.compile(r"\. [A-Z][a-z ]*: [^.]*$")


def _brief(problem: str) -> str:
    """A settings problem without the list of choices it ends with (every theme's name made
    the notice 13 lines tall at 80x24): the help screen, ?, shows it whole."""
    return _CHOICES_LISTED.sub(".", problem)


def _stylesheets() -> list[Path]:
    """`styles/` ships inside the package when installed, and sits beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for folder in (here / "styles", here.parent / "styles"):
        if (folder / "postshelf.tcss").exists():
            return sorted(folder.glob("*.tcss"), key=lambda path: (path.name != "postshelf.tcss", path.name))
    raise FileNotFoundError("postshelf.tcss not found: the package is incomplete")


class PostshelfApp(App):
    TITLE = "postshelf"
    CSS_PATH = [str(path) for path in _stylesheets()]
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        paths: list[Path],
        *,
        use_cache: bool = True,
        rebuild: bool = False,
        watch: bool = True,
        archive: Archive | None = None,
    ) -> None:
        """`archive`: show this already-loaded archive instead of opening `paths`."""
        super().__init__()
        install_cjk_line_breaking()
        self.paths = paths
        self._given_archive = archive
        self.use_cache = use_cache
        self.rebuild = rebuild
        self.follows_changes = watch
        """Whether files that change on disk are read again (a thread watches the roots)."""
        self.archive: Archive | None = None
        self.loading_complete = False
        self._loading_stop = threading.Event()
        self._shutting_down = threading.Event()
        self.config_problems: list[str] = []
        """What was wrong in the settings file: each is shown, none is fatal."""
        self._load_config()
        self.profile = "default"
        """Whose reading state this session uses (the SSH server gives each key its own)."""

    def _load_config(self) -> None:
        """Read the settings before the app starts: images need the terminal queried first."""
        binding_lists = [MAIN_BINDINGS] + [widget.BINDINGS for widget in (PostList, ReaderBody, SearchBar, FacetPanel)]
        self.config, problems = load_config(
            known_themes=set(self.available_themes), known_actions=binding_ids(binding_lists)
        )
        widgets = {"post list": PostList.BINDINGS, "reader": ReaderBody.BINDINGS, "facets": FacetPanel.BINDINGS}
        self.config_problems = (
            problems
            + shared_keys(self.config.keys)
            + key_clashes(self.config.keys, binding_lists)
            + shadowed_keys(self.config.keys, MAIN_BINDINGS, widgets)
        )
        if self.config.images == "auto":
            try:  # asks the terminal which graphics it draws: only possible before Textual starts
                import textual_image.widget  # noqa: F401
            except Exception as error:  # no terminal to ask, or no graphics library
                self.config_problems.append(f'images = "auto": images cannot be drawn here ({error})')
                self.config = replace(self.config, images="off")

    def _apply_config(self) -> None:
        """Settings from the config file; each problem in it is shown, never fatal."""
        remembered = load_settings().get("theme")
        theme = self.config.theme or remembered
        if theme in self.available_themes:
            self.theme = theme
        if self.config.keys:
            self.set_keymap(self.config.keys)
        problems = self.config_problems
        if len(problems) > 2:  # one notice, not a wall of them at 80x24; ? lists them all
            self.notify(
                f"{_brief(problems[0])}\n…and {len(problems) - 1} more: press ? to see them all",
                title=f"Settings: {len(problems)} problems",
                severity="warning",
                timeout=20,
                markup=False,
            )
        else:
            for problem in problems:
                brief = _brief(problem)
                more = "" if brief == problem else "\n(? shows the whole of it)"
                self.notify(brief + more, title="Settings", severity="warning", timeout=15, markup=False)
        self._theme_ready = True

    @property
    def keymap(self) -> dict[str, str]:
        """The user's key overrides in force (config [keys]): binding id -> Textual key names."""
        return dict(self.config.keys)

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the app is remembered (unless the config file names one)."""
        if getattr(self, "_theme_ready", False) and not self.config.theme:
            try:
                save_settings({**load_settings(), "theme": theme})
            except OSError as error:
                self.notify(f"Could not remember the theme: {error}", severity="warning")

    async def on_mount(self) -> None:
        self._apply_config()
        options = MainOptions(
            default_sort=self.config.sort,
            mark_read_on_open=self.config.mark_read == "open",
            images=ImageCache() if self.config.images == "auto" else None,
            profile=self.profile,
            keymap=self.keymap,
            settings_problems=tuple(self.config_problems),
        )
        self.main_screen = MainScreen(options)
        await self.push_screen(self.main_screen)
        self._end_on_hang_up()
        if self._given_archive is not None:
            self._archive_opened(self._given_archive)
            self.main_screen.loading_finished(True)
        else:
            self._open()

    def _end_on_hang_up(self) -> None:
        """A closed terminal (SIGHUP, as when an SSH window is closed) or a `kill` (SIGTERM)
        ends the app as `q` does, the reading state saved first: the marks of the last two
        seconds were lost."""
        if self.is_headless:
            return
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            number = getattr(signal, name, None)
            if number is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(number, self._hung_up)

    def _hung_up(self) -> None:
        self.main_screen.save_state(now=True)
        self.exit()

    def get_system_commands(self, screen: Screen):
        """The command palette offers every action of the main screen, with its keys."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for keys, description, binding_id in binding_rows(bound_keys(MAIN_BINDINGS, self.keymap)):
            bindings = Binding.make_bindings(MAIN_BINDINGS)
            binding = next(b for b in bindings if b.id == binding_id) if binding_id else None
            if binding is None or binding.action.startswith("app."):
                continue
            yield SystemCommand(description, f"key: {keys}", partial(screen.run_action, binding.action))
        for sort, name in SORT_NAMES.items():
            yield SystemCommand(f"Sort by {name}", f"adds sort:{sort} to the query", partial(screen.set_sort, sort))

    def on_unmount(self) -> None:
        self._shutting_down.set()
        self._loading_stop.set()

    def stop_loading(self) -> None:
        """Esc while loading: keep what has loaded, read no more."""
        self._loading_stop.set()

    @work(thread=True, exclusive=True, group="load")
    def _open(self) -> None:
        started = time.perf_counter()
        last_update = [0.0]

        latest: list[tuple[int, int]] = []

        def progress(done: int, total: int) -> None:
            latest[:] = [(done, total)]
            now = time.perf_counter()
            if now - last_update[0] >= PROGRESS_EVERY or done == total:
                last_update[0] = now
                self.call_from_thread(self.main_screen.show_progress, done, total, started)

        def notice(message: str) -> None:
            self.call_from_thread(self.notify, message, title="postshelf", severity="warning", timeout=10)

        archive, complete = open_archive(
            self.paths,
            rebuild=self.rebuild,
            use_cache=self.use_cache,
            on_archive=lambda opened: self.call_from_thread(self._archive_opened, opened),
            progress=progress,
            should_stop=lambda: self._loading_stop.is_set() or self._shutting_down.is_set(),
            notice=notice,
        )
        if self._shutting_down.is_set():
            return
        if latest and not complete:  # the last report may have been skipped to spare the screen
            self.call_from_thread(self.main_screen.show_progress, *latest[0], started)
        self.loading_complete = complete
        self.call_from_thread(self.main_screen.loading_finished, complete)
        # The loaded archive is long-lived: keep the garbage collector from rescanning it (full
        # collections paused the UI ~100 ms at 100k posts, seconds at a million). Not collected
        # first: a warm start leaves next to no garbage, and a cold read was collected and its
        # heap given back when it was cached (cache.adopt_saved); a full collection over a
        # million posts held the UI for over a second just as the list appeared.
        gc.freeze()
        if self.follows_changes:
            # A plain daemon thread, not a worker: it runs for the app's lifetime.
            threading.Thread(target=self._follow_changes, args=(archive,), name="postshelf-watch", daemon=True).start()

    def _archive_opened(self, archive: Archive) -> None:
        self.archive = archive
        self.main_screen.show_archive(archive)

    def _follow_changes(self, archive: Archive) -> None:
        """Live reload: apply file changes under the roots as they happen (inotify via watchfiles)."""
        try:
            import watchfiles
        except ImportError:  # pragma: no cover - a dependency, but never fatal
            return
        folders = watched_folders(archive.roots)
        try:
            while folders and not self._shutting_down.is_set():
                folders = self._watch(watchfiles, archive, folders)
        except (OSError, RuntimeError) as error:  # e.g. too many inotify watches
            if not self._shutting_down.is_set():
                self.call_from_thread(self.notify, f"Live reload is off: {error}", severity="warning")

    def _watch(self, watchfiles, archive: Archive, folders: set[str]) -> set[str]:
        """Watch each folder on its own (watchfiles' recursive watch walks every file with the GIL
        held: the UI froze 0.24 s at 100k posts). Returns the folders to watch next when a new
        folder appears (its files are read at once; it is watched from then on), else empty."""
        for changes in watchfiles.watch(
            *sorted(folders),
            recursive=False,
            stop_event=self._shutting_down,
            debounce=400,
            step=100,
            rust_timeout=500,
            yield_on_timeout=False,
            raise_interrupt=False,
        ):
            if self._shutting_down.is_set():
                return set()
            paths = {path for _, path in changes}
            moved: dict[str, str] = {}
            if apply_file_changes(archive, paths, moved):
                if moved:
                    self.call_from_thread(self.main_screen.files_moved, moved)
                self.call_from_thread(self.main_screen.refresh_posts)
            following = folders_to_watch_next(folders, paths)
            if following is not None:
                return following
        return set()
