"""`postshelf serve`: a real server process on a loopback port, the real OpenSSH client in tmux,
the real posts of the sample corpus. Keys, HOME and authorized_keys live in tmp dirs; the
user's ~/.ssh is never read (`ssh -F /dev/null`, only the key given, no agent)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

pytest.register_assert_rewrite("serve_helpers")
from serve_helpers import (  # noqa: E402 - after the line above, so its asserts are rewritten too
    LIST_SHOWN,
    OPTIONS,
    REPO,
    SERVE,
    SERVE_MARKS,
    Server,
    alive,
    descendants,
    fingerprint,
    ssh_command,
    wait_until,
)

pytest_plugins = ["serve_helpers"]  # the fixtures: keys, serve, small_archive, tmux

pytestmark = SERVE_MARKS


# ---------------------------------------------------------------- SSH sessions


def test_a_reader_gets_the_list_keys_resizes_and_quits(serve, keys, tmux):
    server = serve()
    tmux.open("a", ssh_command(server.port, keys["alice"]), width=100, height=30)
    tmux.wait_for("a", LIST_SHOWN)
    (session,) = server.sessions()
    # Truecolor reaches the client: tmux keeps 24-bit colours as the app sent them.
    assert re.search(r"\x1b\[[0-9;]*38;2;\d+;\d+;\d+", tmux.run("capture-pane", "-p", "-e", "-t", "a"))
    limits = Path(f"/proc/{session}/limits").read_text()
    assert re.search(r"Max cpu time\s+3600\s", limits) and re.search(r"Max core file size\s+0\s", limits)
    assert "unlimited" not in re.search(r"Max address space.*", limits)[0]

    tmux.keys("a", "/")
    tmux.wait_for("a", "Leave search")
    tmux.run("send-keys", "-t", "a", "-l", "Linux")
    tmux.wait_for("a", "posts match 'Linux'")
    tmux.keys("a", "Escape")
    tmux.wait_for("a", "q Quit")
    tmux.keys("a", "e")  # export would write on the server: refused, with a notice
    tmux.wait_for("a", "Export writes files on the server")

    tmux.run("resize-window", "-t", "a", "-x", "150", "-y", "40")
    screen = tmux.wait_for("a", "Categories")  # the facet panel shows from 140 columns on
    assert max(len(line) for line in screen.splitlines()) > 140
    assert len(screen.splitlines()) >= 40

    tmux.keys("a", "q")
    tmux.wait_for("a", "SSH-EXIT=0")
    wait_until(lambda: not server.sessions() and not alive(session), "the session to end", timeout=10)
    line = server.wait_for(r".* ssh 127\.0\.0\.1:\d+ (\S+) user=reader term=(\S+) [\d.]+s 1 session")
    assert line[1] == fingerprint(keys["alice"].with_suffix(".pub"))
    assert line[2] == tmux.run("show", "-gv", "default-terminal").strip()  # the client's terminal type


@pytest.mark.slow
def test_reading_state_is_kept_per_key(serve, keys, tmux):
    server = serve()

    def state_of(name: str) -> dict:
        digest = fingerprint(keys[name].with_suffix(".pub")).split(":", 1)[1]
        profile = "ssh-" + digest.replace("+", "-").replace("/", "_")
        found = list((Path(os.environ["POSTSHELF_DATA_DIR"]) / "state").glob(f"*-{profile}.json"))
        assert len(found) == 1, f"no reading state for {name} when its session had ended: {found}"
        return json.loads(found[0].read_text())

    tmux.open("alice", ssh_command(server.port, keys["alice"]))
    tmux.wait_for("alice", LIST_SHOWN)
    first_row = re.compile(r"^ (\S) 5億年ボタン", re.M)  # the newest post; ● unread, ★ bookmarked
    tmux.keys("alice", "m")  # bookmark the first post
    wait_until(lambda: (row := first_row.search(tmux.screen("alice"))) and row[1] == "★", "the bookmark", timeout=30)
    tmux.keys("alice", "q")
    tmux.wait_for("alice", "SSH-EXIT=0")
    # The client hears that the session ended only once its process has exited, state written:
    # no waiting here (this raced under load when the channel closed with the terminal).
    assert len(state_of("alice")["bookmarks"]) == 1

    tmux.open("bob", ssh_command(server.port, keys["bob"]))
    screen = tmux.wait_for("bob", LIST_SHOWN)
    assert first_row.search(screen)[1] == "●"
    # The reader opens the first post a moment after the list shows (the open debounce): that is
    # what bob's state remembers. Quitting before it, there would be nothing to save.
    wait_until(lambda: tmux.screen("bob").count("5億年ボタン") >= 2, "bob's reader showing the first post")
    tmux.keys("bob", "q")
    tmux.wait_for("bob", "SSH-EXIT=0")
    assert state_of("bob")["bookmarks"] == {}
    assert len(state_of("alice")["bookmarks"]) == 1


def test_a_key_that_is_not_authorized_is_refused(serve, keys):
    server = serve()

    def connect() -> subprocess.CompletedProcess:
        return subprocess.run(
            ssh_command(server.port, keys["stranger"], tty=False, remote=("true",)),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )

    result = connect()
    assert result.returncode == 255
    assert "Permission denied (publickey)" in result.stderr  # and no password prompt offered
    stranger = re.escape(fingerprint(keys["stranger"].with_suffix(".pub")))
    server.wait_for(rf"ssh 127\.0\.0\.1:\d+ {stranger} user=reader [\d.]+s refused: key not authorized$")
    # A key kept for a forced command (say, backups) gets no session here either.
    readers = keys["authorized"].read_text()
    public = keys["stranger"].with_suffix(".pub").read_text()
    keys["authorized"].write_text(readers + f'command="borg serve",restrict {public}')
    assert connect().returncode == 255
    server.wait_for(rf"{stranger} user=reader [\d.]+s refused: key not authorized \(key restricted to a command")
    # The file is read again when it changes: a new reader needs no restart.
    keys["authorized"].write_text(readers + public)
    welcome = connect()  # a command, so it is let in and then told no
    assert welcome.returncode == 1 and "runs no commands" in welcome.stderr
    assert not server.sessions()


def test_only_an_interactive_terminal_is_served(serve, keys):
    server = serve()

    def run(*options: str, remote: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
        return subprocess.run(
            ssh_command(server.port, keys["alice"], *options, tty=False, remote=remote),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )

    command = run(remote=("ls", "/"))
    assert command.returncode == 1
    assert "runs no commands (asked: 'ls /')" in command.stderr
    assert command.stdout == ""  # nothing was listed
    no_tty = run("-T")
    assert no_tty.returncode == 1
    assert "needs one. Connect with `ssh -t" in no_tty.stderr
    sftp = subprocess.run(
        ["sftp", *OPTIONS, "-P", str(server.port), "-i", str(keys["alice"]), "-b", "-", "reader@127.0.0.1"],
        input="ls\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sftp.returncode != 0 and "subsystem request failed" in sftp.stderr
    assert run("-W", "127.0.0.1:22").returncode == 255  # stdio forwarding (a direct-tcpip channel)
    assert run("-o", "ExitOnForwardFailure=yes", "-N", "-R", "0:127.0.0.1:22").returncode == 255
    server.wait_for(r"refused command 'ls /'")
    server.wait_for(r"refused: no terminal")
    server.wait_for(r"refused subsystem 'sftp'")
    server.wait_for(r"refused forwarding to 127\.0\.0\.1:22")
    server.wait_for(r"refused remote forwarding")
    assert not server.sessions()


def test_copying_a_link_reaches_the_client_clipboard(serve, keys, tmux):
    server = serve()
    tmux.open("base", ["sleep", "600"])
    tmux.run("set", "-g", "set-clipboard", "on")  # tmux keeps what OSC 52 sends as a paste buffer
    tmux.open("a", ssh_command(server.port, keys["alice"]))
    tmux.wait_for("a", LIST_SHOWN)
    tmux.wait_for("a", "[img 1]")  # the newest post is open in the reader
    tmux.keys("a", "L")  # the post's links, numbered
    tmux.wait_for("a", "  1  image  ")
    tmux.keys("a", "o")  # open: over SSH there is no browser here, so the link is copied (OSC 52)
    tmux.wait_for("a", "No local browser in this SSH session: copied")
    url = wait_until(lambda: tmux.run("show-buffer", check=False), "the copied link in tmux's buffer", timeout=10)
    assert url.startswith("http") and url in tmux.screen("a")


@pytest.mark.slow
def test_twenty_readers_at_once_then_clients_killed_leave_nothing(serve, keys, tmux):
    # Twenty logins at once from one address: all of them held (not on the 2 s probation of
    # connections beyond the per-source cap, which a busy machine's ssh clients can outlast).
    server = serve("--max-sessions-per-key", "20", "--max-startups-per-source", "30")
    started = time.monotonic()
    names = [f"r{number}" for number in range(20)]
    for name in names:
        tmux.open(name, ssh_command(server.port, keys["alice" if int(name[1:]) % 2 else "bob"]), width=90, height=25)
    for name in names:
        tmux.wait_for(name, LIST_SHOWN, timeout=120)
    print(f"\n20 SSH sessions connected and rendered their list in {time.monotonic() - started:.1f} s")
    sessions = server.sessions()
    assert len(sessions) == 20
    for name in names:
        os.kill(tmux.client_pid(name), signal.SIGKILL)  # the client vanishes without a word
    wait_until(lambda: not any(alive(pid) for pid in sessions), "every session process to end", timeout=30)
    assert not server.sessions()
    tmux.open("after", ssh_command(server.port, keys["alice"]))  # the server carries on
    tmux.wait_for("after", LIST_SHOWN)


def test_sigterm_tells_readers_and_stops_everything(serve, keys, tmux):
    server = serve()
    for name in ("a", "b"):
        tmux.open(name, ssh_command(server.port, keys["alice"]))
        tmux.wait_for(name, LIST_SHOWN)
    everything = descendants(server.process.pid)
    assert server.factory in everything and len(server.sessions()) == 2
    server.process.send_signal(signal.SIGTERM)
    for name in ("a", "b"):
        tmux.wait_for(name, "the server is shutting down. Goodbye.")
        tmux.wait_for(name, "SSH-EXIT=")
    assert server.process.wait(20) == 0
    assert "stopped" in server.output
    wait_until(lambda: not any(alive(pid) for pid in everything), "every process of the server to end", timeout=10)


@pytest.mark.slow
def test_session_limit_and_idle_timeout(serve, keys, tmux):
    server = serve("--max-sessions", "1", "--idle-timeout", "3s")
    tmux.open("a", ssh_command(server.port, keys["alice"]))
    tmux.wait_for("a", LIST_SHOWN)
    full = subprocess.run(
        ssh_command(server.port, keys["bob"]), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert full.returncode == 1
    assert "all 1 sessions are in use" in full.stderr
    bob = re.escape(fingerprint(keys["bob"].with_suffix(".pub")))
    server.wait_for(
        rf"ssh 127\.0\.0\.1:\d+ {bob} user=reader term=\S+ [\d.]+s 0 sessions, closed: .*"
        r"\(refused: all sessions in use"
    )
    tmux.wait_for("a", "closed after 3 s without a key press", timeout=30)
    tmux.wait_for("a", "SSH-EXIT=0")
    wait_until(lambda: not server.sessions(), "the idle session to end", timeout=10)


@pytest.mark.slow
def test_host_key_is_made_once_kept_private_and_reused(serve, keys):
    first = serve()
    made = first.wait_for(r"host key (SHA256:\S+) \(made now, (\S+)\)")
    path = Path(made[2])
    assert path.parent == Path(os.environ["POSTSHELF_DATA_DIR"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert fingerprint(path.with_name(path.name + ".pub")) == made[1]
    first.stop()
    second = serve()
    again = second.wait_for(r"host key (SHA256:\S+) \((\S+)\)")
    assert again[1] == made[1] and again[2] == str(path)
    # ...and it is the key the client sees.
    scan = subprocess.run(
        ["ssh-keyscan", "-t", "ed25519", "-p", str(second.port), "127.0.0.1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if scan.returncode == 0 and scan.stdout:
        seen = subprocess.run(
            ["ssh-keygen", "-l", "-E", "sha256", "-f", "-"], input=scan.stdout, capture_output=True, text=True
        ).stdout
        assert made[1] in seen


def test_authorized_keys_default_to_home_and_are_required(keys, tmp_path, real_corpus):
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    missing = subprocess.run(
        SERVE + [str(real_corpus), "--ssh", "127.0.0.1:0"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2
    assert "no authorized keys file" in missing.stderr and "--allow-anonymous" in missing.stderr
    (home / ".ssh").mkdir()
    shutil.copy(keys["alice"].with_suffix(".pub"), home / ".ssh" / "authorized_keys")
    server = Server([str(real_corpus), "--ssh", "127.0.0.1:0"], env=env)
    try:
        server.ready()
        assert f"readers: 1 key in {home / '.ssh' / 'authorized_keys'}" in server.output
        assert "WARNING" not in server.output
    finally:
        server.stop()


def test_anonymous_readers_must_be_asked_for_and_are_announced(serve, keys, tmux):
    server = serve("--allow-anonymous")
    assert re.search(r"WARNING: --allow-anonymous: ANYONE who can reach 127\.0\.0\.1:\d+ can read", server.output)
    tmux.open("s", ssh_command(server.port, keys["stranger"]))
    tmux.wait_for("s", LIST_SHOWN)
    tmux.keys("s", "q")
    tmux.wait_for("s", "SSH-EXIT=0")
    # Anonymous readers are logged with the key they offered.
    stranger = re.escape(fingerprint(keys["stranger"].with_suffix(".pub")))
    server.wait_for(rf"ssh 127\.0\.0\.1:\d+ anonymous key={stranger} user=reader term=\S+ [\d.]+s 1 session")
