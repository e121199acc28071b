"""The web front end's listening socket: its connections are accepted here, counted, and only
then handed to aiohttp.

Every open socket costs a file descriptor, and the server's descriptors are shared with the
SSH listener and the sessions. Before this, 4,200 idle sockets from one client (no request,
no login) took all 4,096: SSH logins failed, and asyncio's accept loop logged a traceback per
attempt, 2.7 MB a second. So:
- at most `per_address` connections from one address and `overall` in all are open; one
  beyond is closed at once (and counted in a rate-limited log line);
- a connection that sends no request within KEEPALIVE seconds, or stays idle that long
  between requests, is closed by aiohttp (`keepalive_timeout`; its default is an hour);
- when accepting fails (out of descriptors), accepting pauses half a second instead of
  spinning.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import Callable

KEEPALIVE = 15.0
"""Seconds aiohttp keeps a connection that sends no request (from connect, and between requests)."""
PER_ADDRESS = 32
OVERALL = 512


class WebDoor:
    def __init__(
        self,
        protocol_factory: Callable[[], asyncio.Protocol],
        host: str,
        port: int,
        log: Callable[[str], None],
        *,
        per_address: int = PER_ADDRESS,
        overall: int = OVERALL,
    ) -> None:
        self.protocol_factory = protocol_factory
        self.log = log
        self.per_address = per_address
        self.overall = overall
        self.loop = asyncio.get_running_loop()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.listener = socket.create_server((host, port), family=family, backlog=256)
        self.listener.setblocking(False)
        self.port: int = self.listener.getsockname()[1]
        self.open: dict[socket.socket, str] = {}
        """Connections handed to aiohttp, with their address (closed ones are pruned: aiohttp
        closes the very socket object handed to it)."""
        self.refused = 0
        self.tasks: set[asyncio.Task] = set()
        self.loop.add_reader(self.listener, self._accept)

    def close(self) -> None:
        try:
            self.loop.remove_reader(self.listener)
        except (ValueError, OSError):
            pass
        self.listener.close()

    def _prune(self) -> Counter:
        for sock in [sock for sock in self.open if sock.fileno() == -1]:
            del self.open[sock]
        return Counter(self.open.values())

    def _accept(self) -> None:
        for _ in range(64):  # a burst at a time; the rest at the next turn of the loop
            try:
                sock, peer = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:  # EMFILE and friends: stop accepting for a moment
                self.log(f"web accept failed: {error.strerror}")
                self.loop.remove_reader(self.listener)
                self.loop.call_later(0.5, self._resume)
                return
            address = str(peer[0])
            by_address = self._prune()
            if len(self.open) >= self.overall or by_address[address] >= self.per_address:
                self.refused += 1
                self.log(f"web {address} refused: too many connections open ({by_address[address]} from it)")
                sock.close()
                continue
            sock.setblocking(False)
            self.open[sock] = address
            task = self.loop.create_task(self._hand_over(sock))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    def _resume(self) -> None:
        if self.listener.fileno() != -1:
            self.loop.add_reader(self.listener, self._accept)

    async def _hand_over(self, sock: socket.socket) -> None:
        try:
            await self.loop.connect_accepted_socket(self.protocol_factory, sock)
        except OSError:
            sock.close()
