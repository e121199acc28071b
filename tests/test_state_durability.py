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
