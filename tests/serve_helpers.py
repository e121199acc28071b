"""What the `postshelf serve` tests share: a real server process on a loopback port, the real
OpenSSH client in tmux, keys and HOME in tmp dirs (the user's ~/.ssh is never read:
`ssh -F /dev/null`, only the key given, no agent). Every wait is a wait for a condition,
with a generous timeout: these tests run beside other work on a 2-core machine."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from helpers import wait_until

REPO = Path(__file__).resolve().parents[1]
SERVE = [sys.executable, "-c", "import sys; from tui.serve.command import main; sys.exit(main(sys.argv[1:]))"]
LIST_SHOWN = "65 posts · 0 skipped"
"""The status line once the real corpus is listed."""
SMALL_SHOWN = "6 posts · 0 skipped"
"""The status line once `small_archive` is listed."""

needs_openssh = pytest.mark.skipif(
    not (shutil.which("ssh") and shutil.which("tmux") and shutil.which("ssh-keygen")),
    reason="needs the OpenSSH client and tmux",
)
SERVE_MARKS = [pytest.mark.serve, needs_openssh]


def children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                fields = file.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != b"Z":
            found.add(int(entry))
    return found


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            return file.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def fingerprint(public_key: Path) -> str:
    out = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", str(public_key)], capture_output=True, text=True, check=True
    ).stdout
    return out.split()[1]


class Server:
    """`postshelf serve` in a subprocess; its stderr collected line by line."""

    def __init__(self, args: list[str], env: dict | None = None) -> None:
        self.process = subprocess.Popen(
            SERVE + args,
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        def found():
            if self.process.poll() is not None and not re.search(pattern, self.output):
                raise AssertionError(f"server exited ({self.process.returncode}):\n{self.output}")
            return re.search(pattern, self.output)

        return wait_until(found, f"{pattern!r} in the server's output:\n{self.output}", timeout=timeout)

    def ready(self) -> Server:
        match = self.wait_for(r"ready \(pid \d+, sessions under pid (\d+)\)")
        self.factory = int(match[1])
        return self

    @property
    def port(self) -> int:
        return int(self.wait_for(r"ssh://127\.0\.0\.1:(\d+)")[1])

    @property
    def web_port(self) -> int:
        return int(self.wait_for(r"web http://127\.0\.0\.1:(\d+)/")[1])

    def sessions(self) -> set[int]:
        return children(self.factory)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Tmux:
    """A private tmux server (its own socket), one window per SSH client."""

    def __init__(self) -> None:
        self.socket = f"postshelf-test-{uuid.uuid4().hex[:10]}"

    def run(self, *args: str, check: bool = True) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check, timeout=60
        ).stdout

    def open(self, name: str, command: list[str], width: int = 100, height: int = 30) -> None:
        shell = f"{shlex.join(command)}; echo SSH-EXIT=$?; sleep 600"
        self.run("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), shell)

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name, check=False)

    def wait_for(self, name: str, text: str, timeout: float = 60) -> str:
        def shown():
            screen = self.screen(name)
            if text in screen:
                return screen
            if "SSH-EXIT=" in screen and "SSH-EXIT=" not in text:
                raise AssertionError(f"ssh ended in window {name} without showing {text!r}:\n{screen}")
            return None

        return wait_until(shown, f"{text!r} in window {name}:\n{self.screen(name)}", timeout=timeout)

    def keys(self, name: str, *keys: str) -> None:
        self.run("send-keys", "-t", name, *keys)

    def client_pid(self, name: str) -> int:
        """The ssh process running in the window."""
        pane = int(self.run("list-panes", "-t", name, "-F", "#{pane_pid}").split()[0])
        return next(pid for pid in children(pane) if Path(f"/proc/{pid}/comm").read_text().strip() == "ssh")

    def kill(self) -> None:
        self.run("kill-server", check=False)
        folder = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)


OPTIONS = [
    "-F",
    "/dev/null",
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=20",
]
"""No config, known hosts or agent of the user running the tests: only the key given."""


def ssh_command(port: int, key: Path, *options: str, tty: bool = True, remote: tuple[str, ...] = ()) -> list[str]:
    return [
        "ssh",
        *OPTIONS,
        "-p",
        str(port),
        "-i",
        str(key),
        *(["-tt"] if tty else []),
        *options,
        "reader@127.0.0.1",
        *remote,
    ]


def make_key(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} for {pid}")


def write_small_archive(root: Path, count: int = 6) -> Path:
    """A few posts, enough to list and search; no corpus needed."""
    root.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (root / f"post-{number}.md").write_text(
            f"---\ntitle: Small post {number}\ndate: 2024-01-{number + 1:02d}\n---\n\nBody of post {number}.\n",
            encoding="utf-8",
        )
    return root


# ---------------------------------------------------------------- fixtures


@pytest.fixture()
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    found = {name: make_key(folder, name) for name in ("alice", "bob", "stranger")}
    authorized = folder / "authorized_keys"
    authorized.write_text("# readers\n" + "".join((found[n].with_suffix(".pub")).read_text() for n in ("alice", "bob")))
    authorized.chmod(0o600)
    found["authorized"] = authorized
    return found


@pytest.fixture()
def small_archive(tmp_path: Path) -> Path:
    return write_small_archive(tmp_path / "small")


@pytest.fixture()
def serve(request, keys):
    started: list[Server] = []

    def start(
        *extra: str, ssh: bool = True, env: dict | None = None, corpus: Path | None = None, ready: bool = True
    ) -> Server:
        if corpus is None:
            corpus = request.getfixturevalue("real_corpus")
        args = [str(corpus)]
        if ssh:
            args += ["--ssh", "127.0.0.1:0"]
            if "--allow-anonymous" not in extra and "--authorized-keys" not in extra:
                args += ["--authorized-keys", str(keys["authorized"])]
        server = Server(args + list(extra), env=env)
        started.append(server)
        return server.ready() if ready else server

    yield start
    for server in started:
        server.stop()


@pytest.fixture()
def tmux():
    mux = Tmux()
    yield mux
    mux.kill()
