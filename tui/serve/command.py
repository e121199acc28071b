"""`postshelf serve PATH... --ssh [HOST:]PORT --web [HOST:]PORT`: one archive, many readers.

The archive is loaded once (through the warm cache), then a session process forks from it
for each reader (sessions.py); the server follows the archive's files and passes changes on
to the sessions. Exit status: 0 after a clean stop (SIGTERM, SIGINT, SIGHUP: all three stop
the server, letting sessions save), 1 when the server failed, 2 on bad usage or a key file
others can write.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import signal
import sys
import time
from pathlib import Path

from ..cli_options import add_cache_options
from .durations import format_duration, parse_duration

DEFAULT_HOST = "127.0.0.1"


def say(message: str) -> None:
    print(f"postshelf serve: {message}", file=sys.stderr, flush=True)


def parse_address(text: str) -> tuple[str, int]:
    """`PORT`, `HOST:PORT` or `[IPv6]:PORT`; the host defaults to loopback."""
    match = re.fullmatch(r"(?:\[(?P<v6>[^\]]+)\]:|(?P<host>[^:\[\]]*):)?(?P<port>\d{1,5})", text.strip())
    if not match or int(match["port"]) > 65535:
        raise argparse.ArgumentTypeError(f"not [HOST:]PORT: {text!r}")
    host = match["v6"] or match["host"] or DEFAULT_HOST
    return host, int(match["port"])


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="postshelf serve",
        description="Serve an archive to many readers: each gets their own postshelf, over SSH "
        "(key login, read-only, their own read marks and bookmarks) or in a browser.",
        epilog="Addresses bind to 127.0.0.1 unless a host is given (0.0.0.0 for every interface). "
        'See the README, "Serving an archive to a team".',
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="archive folders or post files")
    p.add_argument("--ssh", type=parse_address, metavar="[HOST:]PORT", help="serve over SSH here")
    p.add_argument(
        "--web",
        type=parse_address,
        metavar="[HOST:]PORT",
        help="serve to browsers here (login with the token printed at start)",
    )
    p.add_argument(
        "--authorized-keys",
        type=Path,
        metavar="FILE",
        help="public keys allowed in (default: ~/.ssh/authorized_keys of the user serving); re-read when it changes",
    )
    p.add_argument(
        "--allow-anonymous",
        action="store_true",
        help="let anyone in, with any key or none (they share the 'anonymous' reading state)",
    )
    p.add_argument(
        "--host-key",
        type=Path,
        metavar="FILE",
        help="the server's private host key (default: one made on first start in the data folder)",
    )
    p.add_argument(
        "--max-sessions", type=int, default=20, metavar="N", help="readers at once, per front end (default 20)"
    )
    p.add_argument(
        "--max-sessions-per-key",
        type=int,
        default=3,
        metavar="N",
        help="sessions at once per SSH key, or per web login (default 3)",
    )
    p.add_argument(
        "--max-sessions-per-connection",
        type=int,
        default=1,
        metavar="N",
        help="session channels at once on one SSH connection (default 1)",
    )
    p.add_argument(
        "--unused-timeout",
        default="60s",
        metavar="TIME",
        help="close an SSH connection that has no session this long (default 60s)",
    )
    p.add_argument(
        "--login-grace", default="10s", metavar="TIME", help="time from connecting to logged in over SSH (default 10s)"
    )
    p.add_argument(
        "--max-startups",
        type=int,
        default=30,
        metavar="N",
        help="SSH connections logging in at once, in all (default 30; random early drop from a third)",
    )
    p.add_argument(
        "--max-startups-per-source",
        type=int,
        default=10,
        metavar="N",
        help="SSH connections logging in at once from one address (default 10)",
    )
    p.add_argument(
        "--web-token-file",
        type=Path,
        metavar="FILE",
        help="web: read the login token from FILE (default: a random one, printed at start)",
    )
    p.add_argument(
        "--web-no-login", action="store_true", help="web: no login at all (only behind a proxy that authenticates)"
    )
    p.add_argument(
        "--idle-timeout",
        default="30m",
        metavar="TIME",
        help="close a session after this long without a key press: minutes, or 90s, 2h; 0 never (default 30m)",
    )
    p.add_argument(
        "--session-memory",
        type=int,
        default=1024,
        metavar="MB",
        help="memory a session may add to the shared archive (RLIMIT_AS; default 1024, 0 no limit; below 32 no session starts)",
    )
    p.add_argument(
        "--session-cpu",
        default="1h",
        metavar="TIME",
        help="CPU time a session may use: seconds, or 30m, 2h (RLIMIT_CPU; default 1h, 0 no limit)",
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="web: the address browsers reach this server at, when behind a proxy (default: the one they used)",
    )
    return add_cache_options(p)


def main(argv: list[str]) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.ssh is None and args.web is None:
        p.error("say where to serve: --ssh [HOST:]PORT and/or --web [HOST:]PORT")
    if args.max_sessions < 1:
        p.error("--max-sessions must be 1 or more")
    for name in ("max_sessions_per_key", "max_sessions_per_connection", "max_startups", "max_startups_per_source"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be 1 or more")
    try:
        idle = parse_duration(args.idle_timeout, "m")
        cpu = parse_duration(args.session_cpu, "s")
        args.unused = parse_duration(args.unused_timeout, "s")
        args.grace = parse_duration(args.login_grace, "s")
    except argparse.ArgumentTypeError as error:
        p.error(str(error))
    if args.grace <= 0:
        p.error("--login-grace must be more than 0")
    paths = []
    for text in args.paths:
        path = Path(text).expanduser()
        if not path.exists():
            p.error(f"no such file or folder: {text}")
        paths.append(path)
    authorized = None
    if args.ssh is not None and not args.allow_anonymous:
        authorized = (args.authorized_keys or Path.home() / ".ssh" / "authorized_keys").expanduser()
        if not authorized.is_file():
            p.error(
                f"no authorized keys file at {authorized}: nobody could log in. "
                "Give one with --authorized-keys FILE (or, knowingly, --allow-anonymous)"
            )
    elif args.authorized_keys is not None:
        authorized = args.authorized_keys.expanduser()
    if args.host_key is not None and not args.host_key.is_file():
        p.error(f"no host key file at {args.host_key}")
    from .keys import HOST_KEY_NAME, AuthorizedKeys, KeyFileError, check_private

    # Key files others could change are refused before anything is loaded (sshd's StrictModes).
    try:
        if authorized is not None:
            AuthorizedKeys(authorized, say).check()
        if args.ssh is not None:
            from ..archive.locations import data_root

            host_key = args.host_key or data_root() / HOST_KEY_NAME
            if host_key.exists():
                check_private(host_key, "host key")
        if args.web is not None and args.web_token_file is not None:
            check_private(args.web_token_file, "token file")
    except KeyFileError as error:
        say(f"refused: {error}")
        return 2
    args.token = None
    if args.web is not None and not args.web_no_login:
        from .web import new_token

        if args.web_token_file is not None:
            try:
                args.token = args.web_token_file.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as error:
                p.error(f"cannot read the token file {args.web_token_file}: {error}")
            if len(args.token) < 16:
                p.error(
                    f"the token in {args.web_token_file} is too short: 16 characters at least (22 random "
                    "ones are 128 bits)"
                )
        else:
            args.token = new_token()

    from ..archive.cache import release_free_memory
    from ..archive.opening import open_archive
    from .sessions import Limits, remove_stale_folders, start_factory

    for folder in remove_stale_folders():
        say(f"removed {folder}, left by a server that was killed")

    started = time.perf_counter()
    try:
        archive, _ = open_archive(paths, rebuild=args.rebuild, use_cache=not args.no_cache, notice=say)
    except KeyboardInterrupt:
        say("stopped while loading")
        return 130
    roots = list(archive.roots)
    say(
        f"{archive.post_count:,} posts, {len(archive.skipped):,} skipped, from "
        f"{', '.join(str(root) for root in roots)} ({time.perf_counter() - started:.1f} s)"
    )
    from . import session_app  # noqa: F401 - Textual and the app imported once, shared by every session

    gc.collect()
    limits = Limits(memory_mb=max(0, args.session_memory), cpu_seconds=int(cpu))
    factory = start_factory(archive, roots, limits)
    del archive  # the session factory holds it; this process only relays bytes
    release_free_memory()
    try:
        return asyncio.run(_serve(args, factory, authorized, idle, roots))
    finally:
        factory.close()


async def _follow_changes(roots: list[Path], factory, stop: asyncio.Event) -> None:
    """The archive's files, followed as the app follows them (watchfiles, the same pace); each
    batch of changes goes to the session factory, which applies it and tells every session."""
    try:
        import watchfiles
    except ImportError:  # pragma: no cover - a dependency, but never fatal
        return
    from ..archive.survey import folders_to_watch_next, watched_folders

    # Each folder on its own, as the app does (a recursive watch walks every file holding the
    # GIL); a folder that appears is watched from then on.
    folders: set[str] | None = await asyncio.to_thread(watched_folders, roots)
    try:
        while folders and not stop.is_set():
            watching, folders = folders, None
            async for changes in watchfiles.awatch(
                *sorted(watching),
                recursive=False,
                stop_event=stop,
                debounce=400,
                step=100,
                rust_timeout=500,
                yield_on_timeout=False,
            ):
                paths = sorted({path for _, path in changes})
                try:
                    await asyncio.to_thread(factory.changed, paths)
                except OSError:
                    return  # the factory is gone: the main loop notices and stops
                folders = await asyncio.to_thread(folders_to_watch_next, watching, paths)
                if folders is not None:
                    break
    except (OSError, RuntimeError) as error:  # e.g. too many inotify watches
        say(f"the archive is not followed for changes: {error}")


async def _serve(args, factory, authorized: Path | None, idle: float, roots: list[Path]) -> int:
    import resource

    from ..archive.locations import data_root
    from .keys import AuthorizedKeys, KeyFileError, fingerprint, load_host_key
    from .ssh import listen
    from .ssh_hub import Hub

    # Room for a flood of sockets before login (gate.CEILING) besides every reader's.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4096 if hard == resource.RLIM_INFINITY else min(4096, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(number, stop.set)
    hub = Hub(
        factory=factory,
        keys=AuthorizedKeys(authorized, say),
        allow_anonymous=args.allow_anonymous,
        max_sessions=args.max_sessions,
        idle_timeout=idle,
        per_key=args.max_sessions_per_key,
        per_connection=args.max_sessions_per_connection,
        unused_timeout=args.unused,
        grace=args.grace,
        max_startups=args.max_startups,
        per_source_startups=args.max_startups_per_source,
    )
    listener = web_server = None
    try:
        if args.ssh is not None:
            host, port = args.ssh
            try:
                key, key_path, made = load_host_key(args.host_key, data_root(), say)
            except (ValueError, OSError, KeyFileError) as error:  # asyncssh.KeyImportError is a ValueError
                say(f"cannot use the host key: {error}")
                return 1
            listener = await listen(hub, host, port, key)
            shown_host = f"[{host}]" if ":" in host else host
            say(f"ssh://{shown_host}:{listener.get_port()}")
            say(f"host key {fingerprint(key)} ({'made now, ' if made else ''}{key_path})")
            if hub.keys.current() is not None:
                say(f"readers: {hub.keys.count} key{'s' if hub.keys.count != 1 else ''} in {authorized}")
            if args.allow_anonymous:
                _shout(
                    f"--allow-anonymous: ANYONE who can reach {shown_host}:{listener.get_port()} can read "
                    "this archive, with any key or none."
                )
        if args.web is not None:
            from .web import WebServer

            host, port = args.web
            web_server = WebServer(
                factory,
                host,
                port,
                title="postshelf",
                max_sessions=args.max_sessions,
                public_url=args.public_url,
                log=hub.log,
                token=args.token,
                per_login=args.max_sessions_per_key,
                idle_timeout=idle,
            )
            bound = await web_server.start()
            shown_host = f"[{host}]" if ":" in host else host
            base = (args.public_url.rstrip("/") if args.public_url else f"http://{shown_host}:{bound}") + "/"
            if args.token is not None:
                say(f"web {base}?token={args.token}")
                say(
                    f"web http://{shown_host}:{bound}/ needs the token above (once per browser; "
                    f"{'from ' + str(args.web_token_file) if args.web_token_file else 'a new one at every start'})"
                )
            else:
                say(f"web http://{shown_host}:{bound}/ (no login: every browser reads as 'web')")
                _shout(
                    f"--web-no-login: the web mode has NO LOGIN: ANYONE who can reach {shown_host}:{bound} "
                    "(and any web page open in their browser) can read this archive. Only behind a proxy "
                    "that authenticates."
                )
        say(
            f"at most {args.max_sessions} sessions; idle ones closed after "
            f"{format_duration(idle) if idle else 'never'}; ready (pid {os.getpid()}, sessions under pid {factory.pid})"
        )
        idle_task = asyncio.create_task(hub.watch_idle())
        stop_following = asyncio.Event()
        follow_task = asyncio.create_task(_follow_changes(roots, factory, stop_following))
        status = 0
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), 1.0)
            except TimeoutError:
                if not factory.alive():
                    say("the session process stopped unexpectedly; stopping")
                    status = 1
                    break
        say("stopping: telling readers, letting sessions save")
        idle_task.cancel()
        stop_following.set()
        follow_task.cancel()
        if listener is not None:
            listener.close()
        await hub.stop()
        if web_server is not None:
            await web_server.stop()
        say("stopped")
        return status
    except OSError as error:
        say(f"cannot serve: {error}")
        return 1


def _shout(message: str) -> None:
    line = "!" * 78
    print(f"{line}\n!! WARNING: {message}\n{line}", file=sys.stderr, flush=True)
