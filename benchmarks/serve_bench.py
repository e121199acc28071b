"""Load figures for `postshelf serve`: a real server on 127.0.0.1, asyncssh clients, raw sockets.

    python benchmarks/generate_archive.py /tmp/archive-100k --posts 100000
    python benchmarks/serve_bench.py /tmp/archive-100k [--sessions 20] [--flood 50]

Measures: how soon a new SSH reader sees the list; N readers at once (time until all see
the list, memory of their own per session); an authorized login during a flood of idle
sockets; the peak of a session after a 10000x10000 resize; the server's growth after an
environment flood; how soon a new post reaches an open session. Keys, state and caches
live in a temporary folder (the archive's cache is kept there between runs only if
--cache DIR is given). Everything is bounded in count and time and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def memory(pid: int) -> dict[str, float]:
    """MB: RSS, peak RSS, and what the process has of its own (private pages)."""
    found = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) / 1024
    private = 0
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                private += int(line.split()[1])
    found["private"] = private / 1024
    return found


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            return [int(part) for part in file.read().split()]
    except OSError:
        return []


class Server:
    def __init__(self, archive: Path, folder: Path, cache: Path | None) -> None:
        key = folder / "reader"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        authorized = folder / "authorized_keys"
        authorized.write_text(key.with_suffix(".pub").read_text())
        authorized.chmod(0o600)
        self.key = key
        env = {
            **os.environ,
            "POSTSHELF_DATA_DIR": str(folder / "data"),
            "POSTSHELF_CACHE_DIR": str(cache or folder / "cache"),
            "POSTSHELF_CONFIG": str(folder / "c.toml"),
        }
        command = [
            sys.executable,
            "-m",
            "tui",
            "serve",
            str(archive),
            "--ssh",
            "127.0.0.1:0",
            "--authorized-keys",
            str(authorized),
            "--max-sessions",
            "40",
            "--max-sessions-per-key",
            "40",
        ]
        started = time.monotonic()
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        ready = self.wait_for(r"ready \(pid \d+, sessions under pid (\d+)\)", 900)
        self.factory = int(ready[1])
        self.port = int(self.wait_for(r"ssh://127\.0\.0\.1:(\d+)", 5)[1])
        self.count = int(self.wait_for(r"([\d,]+) posts, ", 5)[1].replace(",", ""))
        print(
            f"server ready in {time.monotonic() - started:.1f} s: {self.count:,} posts "
            f"({self.wait_for(r'posts, .*', 5)[0]})"
        )

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if match := re.search(pattern, line):
                    return match
            if self.process.poll() is not None:
                raise SystemExit("the server stopped:\n" + "\n".join(self.lines))
            time.sleep(0.05)
        raise SystemExit(f"timed out waiting for {pattern!r}:\n" + "\n".join(self.lines[-20:]))

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def connect(server: Server):
    import asyncssh

    return await asyncssh.connect(
        "127.0.0.1",
        server.port,
        username="bench",
        client_keys=[str(server.key)],
        known_hosts=None,
        agent_path=None,
        config=None,
    )


async def read_until(process, text: str, timeout: float = 120) -> None:
    seen = ""
    deadline = time.monotonic() + timeout
    while text not in ESCAPES.sub("", seen):
        chunk = await asyncio.wait_for(process.stdout.read(65536), max(0.01, deadline - time.monotonic()))
        if not chunk:
            raise RuntimeError(f"the session ended before {text!r}")
        seen += chunk


async def new_reader(server: Server, listed: str, size=(120, 40), **options):
    """(connection, session, seconds from connecting to the list shown)."""
    started = time.monotonic()
    conn = await connect(server)
    process = await conn.create_process(
        term_type="xterm-256color", term_size=size, encoding="utf-8", errors="replace", **options
    )
    await read_until(process, listed)
    return conn, process, time.monotonic() - started


async def measure(server: Server, archive: Path, sessions: int, flood: int) -> None:
    listed = f"{server.count:,} posts"

    # 1. A new reader, one at a time.
    times = []
    for _ in range(5):
        conn, process, seconds = await new_reader(server, listed)
        times.append(seconds)
        conn.close()
        await conn.wait_closed()
    print(
        f"new SSH reader sees the list: median {statistics.median(times):.2f} s, max {max(times):.2f} s "
        f"(5 readers, one at a time: {', '.join(f'{t:.2f}' for t in times)} s)"
    )

    # 2. Many at once.
    started = time.monotonic()
    held = await asyncio.gather(*(new_reader(server, listed) for _ in range(sessions)))
    print(
        f"{sessions} readers at once: all see the list within {time.monotonic() - started:.1f} s "
        f"(slowest {max(t for _, _, t in held):.1f} s)"
    )
    own = [memory(pid)["private"] for pid in children(server.factory)]
    print(
        f"memory per session (its own pages; the archive is shared): mean {statistics.mean(own):.0f} MB, "
        f"max {max(own):.0f} MB; factory RSS {memory(server.factory)['VmRSS']:.0f} MB"
    )

    # 3. New post while they are open.
    conn, process, _ = await new_reader(server, listed)
    path = archive / "zz-serve-bench-new-post.md"
    try:
        written = time.monotonic()
        path.write_text("---\ntitle: Serve bench fresh post\ndate: 2099-01-01\n---\n\nNew.\n", encoding="utf-8")
        await read_until(process, "Serve bench fresh post")
        print(
            f"a new post reached an open session in {time.monotonic() - written:.2f} s "
            f"(with {sessions + 1} sessions open)"
        )
    finally:
        path.unlink(missing_ok=True)
    for other, _, _ in held:
        other.close()
    conn.close()

    # 4. A 10000x10000 window.
    conn, process, _ = await new_reader(server, listed)
    before = set(children(server.factory))
    process.change_terminal_size(10000, 10000)
    await read_until(process, "500×200")
    process.stdin.write("j")
    await asyncio.sleep(1.0)  # a benchmark, not a test: let the redraw settle before reading the peak
    found = [memory(pid) for pid in before if os.path.exists(f"/proc/{pid}")]
    print(
        f"10000x10000 resize: session still alive: {bool(found)}; peak RSS {found[0]['VmHWM']:.0f} MB "
        f"(the shared archive included), its own pages {found[0]['private']:.0f} MB"
    )
    conn.close()

    # 5. An environment flood.
    rss = memory(server.process.pid)["VmRSS"]
    conn, process, _ = await new_reader(server, listed, env={f"FLOOD_{n}": "x" * 30_000 for n in range(6000)})
    print(f"6,000 env requests of 30 kB: server RSS {memory(server.process.pid)['VmRSS'] - rss:+.1f} MB")
    conn.close()

    # 6. A flood of idle sockets while an authorized reader logs in.
    stop = threading.Event()
    sockets: list[socket.socket] = []

    def keep_open() -> None:
        deadline = time.monotonic() + 120
        while not stop.is_set() and time.monotonic() < deadline:
            while len(sockets) < flood:
                try:
                    sockets.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
                except OSError:
                    break
            for sock in select.select(sockets, [], [], 0.05)[0]:
                if not sock.recv(4096):
                    sockets.remove(sock)
                    sock.close()
        for sock in sockets:
            sock.close()

    thread = threading.Thread(target=keep_open, daemon=True)
    thread.start()
    while len(sockets) < flood:
        await asyncio.sleep(0.05)
    await asyncio.sleep(3)  # past the probation, so the flood is re-opening
    times = []
    for _ in range(5):
        conn, _, seconds = await new_reader(server, listed)
        times.append(seconds)
        conn.close()
    stop.set()
    thread.join(30)
    print(
        f"{flood} idle sockets re-opened as dropped: an authorized reader saw the list 5 of 5 times, "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("archive", type=Path)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--flood", type=int, default=50)
    parser.add_argument("--cache", type=Path, help="keep the archive's cache here between runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as folder:
        server = Server(args.archive.resolve(), Path(folder), args.cache)
        try:
            asyncio.run(asyncio.wait_for(measure(server, args.archive.resolve(), args.sessions, args.flood), 900))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
