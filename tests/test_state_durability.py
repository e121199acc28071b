"""A reader's state survives being killed mid-write: the next start reads the old or the new file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from tui.archive.user_state import UserState

WRITER = """
import sys
from tui.archive.user_state import UserState
state = UserState(__import__("pathlib").Path(sys.argv[1]))
round = 0
while True:
    round += 1
    state.set_read([f"/archive/post-{round}-{i:06d}.md" for i in range(20000)])
    state.remember(query=f"round {round}")
    state.save()
    print(round, flush=True)
"""


@pytest.mark.slow
def test_killing_the_writer_never_leaves_a_broken_state_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    for delay in (0.15, 0.3, 0.45, 0.6, 0.75):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)], cwd=REPO, stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout.readline()  # at least one complete write
        time.sleep(delay)  # the subject: kill the writer at different points of its saves
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        state, notice = UserState.load(path)
        assert notice is None, notice
        assert state.last_query.startswith("round ") and len(state.read) >= 20000
    leftovers = [name for name in os.listdir(tmp_path) if name != "state.json"]
    assert all(name.endswith(".tmp") for name in leftovers)  # a killed write may leave its temp file


@pytest.mark.parametrize("hang_up", ["SIGHUP", "SIGTERM"])
def test_a_closed_terminal_keeps_the_marks_just_made(tmp_path: Path, hang_up: str) -> None:
    """Closing the terminal (SIGHUP) or `kill` (SIGTERM) right after `m`: the app saves the
    reading state as on `q` (it wrote it two seconds after the change, or never)."""
    import fcntl
    import select
    import struct
    import termios

    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "post.md").write_text("---\ntitle: The post to bookmark\n---\nBody.\n", encoding="utf-8")
    env = {**os.environ, "POSTSHELF_DATA_DIR": str(tmp_path / "data"), "POSTSHELF_CACHE_DIR": str(tmp_path / "cache")}
    env["POSTSHELF_CONFIG"] = str(tmp_path / "config.toml")
    env["TERM"] = "xterm-256color"
    main, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    app = subprocess.Popen(
        [sys.executable, "-m", "tui", str(archive)],
        cwd=REPO,
        env=env,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
    )
    os.close(terminal)
    shown = b""
    deadline = time.monotonic() + 60
    try:
        while b"1 post" not in shown.replace(b"\x1b", b""):
            assert time.monotonic() < deadline, "the app never showed its list"
            if select.select([main], [], [], 0.2)[0]:
                shown += os.read(main, 65536)
        os.write(main, b"m")
        while b"Bookmarked" not in shown:
            assert time.monotonic() < deadline, "the bookmark was never made"
            if select.select([main], [], [], 0.2)[0]:
                shown += os.read(main, 65536)
        app.send_signal(getattr(signal, hang_up))
        deadline = time.monotonic() + 30
        while app.poll() is None:
            assert time.monotonic() < deadline, "the app did not end"
            if select.select([main], [], [], 0.2)[0]:
                try:
                    os.read(main, 65536)
                except OSError:
                    break
        app.wait(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
        os.close(main)
    result = subprocess.run(
        [sys.executable, "-m", "tui", "search", str(archive), "-q", "is:bookmarked", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "The post to bookmark" in result.stdout, result.stdout + result.stderr
