"""The command textual-serve runs for each browser: hands its stdin/stdout/stderr to a new
session forked from the server's loaded archive, then waits for that session to end.

Standard library only, run as a script (not `-m tui...`): it starts in tens of
milliseconds and needs no import path. Usage: web_session.py SOCKET PROFILE
"""

import json
import os
import socket
import sys

PASSED_ENVIRONMENT = ("COLUMNS", "ROWS", "TERM_PROGRAM", "TERM_PROGRAM_VERSION")


def main(argv: list[str]) -> int:
    path, profile = argv[0], argv[1]
    env = {name: os.environ[name] for name in PASSED_ENVIRONMENT if name in os.environ}
    env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8"})
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        sock.connect(path)
        request = {"kind": "pipe", "env": env, "profile": profile}
        socket.send_fds(sock, [json.dumps(request).encode()], [0, 1, 2])
    except OSError as error:
        print(f"postshelf: the server is not taking sessions ({error})", file=sys.stderr)
        return 1
    # Our copies of the pipes must not keep them open once the session has ended.
    for fd in (0, 1):
        os.close(fd)
    while True:
        try:
            data = sock.recv(65536)
        except InterruptedError:
            continue
        except OSError:
            return 1
        if not data:
            return 1
        message = json.loads(data)
        if "exit" in message:
            status = int(message["exit"])
            return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
