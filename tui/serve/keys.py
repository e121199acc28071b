"""Who may log in: the host key and authorized_keys, read the way OpenSSH's sshd reads them.

- Option names are case-insensitive (`From=`, `NO-PTY`, `Restrict` mean what sshd says).
- A line with an option sshd does not know is rejected (with a note), not half-used.
- `expiry-time="YYYYMMDD[HHMM[SS]][Z]"` is honoured at each login (local time unless `Z`).
- `from=` limits where a key may log in from; `command=`, `no-pty` and `restrict` without
  `pty` mean the key is kept for something else (a backup job): no session here.
- A file or host key that others can write is refused (sshd's StrictModes); a host key others
  can read is used with a warning.
"""

from __future__ import annotations

import calendar
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from .logs import clean

HOST_KEY_NAME = "ssh_host_ed25519_key"

SSHD_OPTIONS = {
    "agent-forwarding",
    "cert-authority",
    "command",
    "environment",
    "expiry-time",
    "from",
    "no-agent-forwarding",
    "no-port-forwarding",
    "no-pty",
    "no-user-rc",
    "no-x11-forwarding",
    "permitlisten",
    "permitopen",
    "port-forwarding",
    "principals",
    "pty",
    "no-touch-required",
    "restrict",
    "tunnel",
    "user-rc",
    "verify-required",
    "x11-forwarding",
    "touch-required",
}
"""Every option OpenSSH's authorized_keys knows (sshd(8), AUTHORIZED_KEYS FILE FORMAT)."""

PASSED_TO_ASYNCSSH = {"command", "from", "no-pty", "pty", "restrict", "principals", "cert-authority"}
"""Options whose meaning matters here; the rest only limit what every session is refused anyway."""


class KeyFileError(Exception):
    """A key file that must not be used (its permissions let others change it)."""


def fingerprint(key: asyncssh.SSHKey) -> str:
    return key.get_fingerprint("sha256")


def check_private(path: Path, what: str) -> str | None:
    """Refuse a file others can write (raises KeyFileError); a warning when others can read it."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise KeyFileError(f"{what} {path}: {error.strerror}") from None
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise KeyFileError(
            f"{what} {path} can be written by others (mode {stat.S_IMODE(mode):04o}): "
            f"anyone could change it. chmod go-w {path}"
        )
    if what == "host key" and mode & (stat.S_IRGRP | stat.S_IROTH):
        return (
            f"host key {path} can be read by others (mode {stat.S_IMODE(mode):04o}): they could "
            f"pretend to be this server. chmod 600 {path}"
        )
    return None


def load_host_key(path: Path | None, data_root: Path, say=None) -> tuple[asyncssh.SSHKey, Path, bool]:
    """The given host key, or the server's own (made on first start, kept in the data folder).

    Returns the key, where it is, and whether it was just generated. Raises KeyFileError for a
    key others can write; `say` gets a warning for one others can read."""
    own = data_root / HOST_KEY_NAME
    chosen = path if path is not None else own
    if path is not None or own.exists():
        warning = check_private(chosen, "host key")
        if warning and say is not None:
            say(f"WARNING: {warning}")
        return asyncssh.read_private_key(str(chosen)), chosen, False
    own.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="postshelf serve")
    descriptor = os.open(own, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key.export_private_key())
    (own.parent / (HOST_KEY_NAME + ".pub")).write_bytes(key.export_public_key())
    return key, own, True


def split_options(line: str) -> tuple[list[tuple[str, str | None]], str]:
    """sshd's options field: comma-separated `name` or `name="value"` (quotes, `\\"`), then the key.

    Returns ([(lowercased name, value or None)], the rest of the line). Raises ValueError."""
    options: list[tuple[str, str | None]] = []
    name, value, in_value, quoted, index = "", "", False, False, 0  # value counts only in_value
    while index < len(line):
        char = line[index]
        if quoted:
            if char == "\\" and index + 1 < len(line) and line[index + 1] == '"':
                value += '"'
                index += 1
            elif char == '"':
                quoted = False
            else:
                value += char
        elif char == '"' and in_value:
            quoted = True
        elif char in " \t":
            break
        elif char == ",":
            options.append((name.lower(), value if in_value else None))
            name, value, in_value = "", "", False
        elif char == "=" and not in_value:
            in_value, value = True, ""
        elif in_value:
            value += char
        else:
            name += char
        index += 1
    if quoted:
        raise ValueError("unbalanced quote in the options")
    options.append((name.lower(), value if in_value else None))
    return options, line[index:].strip()


def parse_expiry(text: str) -> float:
    """sshd's expiry-time: YYYYMMDD[HHMM[SS]], local time, or UTC with a trailing Z."""
    utc = text.endswith(("Z", "z"))
    digits = text[:-1] if utc else text
    if not digits.isdigit() or len(digits) not in (8, 12, 14):
        raise ValueError(f"expiry-time not YYYYMMDD[HHMM[SS]][Z]: {clean(text, 30)}")
    digits = digits.ljust(14, "0")
    fields = (
        int(digits[0:4]),
        int(digits[4:6]),
        int(digits[6:8]),
        int(digits[8:10]),
        int(digits[10:12]),
        int(digits[12:14]),
    )
    stamp = time.struct_time((*fields, 0, 0, -1))
    return float(calendar.timegm(stamp) if utc else time.mktime(stamp))


@dataclass
class Entry:
    keys: asyncssh.SSHAuthorizedKeys
    """One line, normalised (lower-case option names), as asyncssh reads it."""
    line: int
    expires: float | None


def parse_line(text: str, number: int) -> Entry:
    """One authorized_keys line as sshd would read it; ValueError says why it is not used."""
    try:  # a bare key, no options
        asyncssh.import_public_key(text)
    except (ValueError, asyncssh.KeyImportError):
        pass
    else:
        return Entry(asyncssh.import_authorized_keys(text + "\n"), number, None)
    options, rest = split_options(text)
    if not rest:
        raise ValueError("no key after the options")
    expires = None
    kept = []
    for name, value in options:
        if name not in SSHD_OPTIONS:
            raise ValueError(f"unknown option {clean(name, 30)!r}")
        if name == "expiry-time":
            if value is None:
                raise ValueError("expiry-time needs a value")
            expires = parse_expiry(value)
        elif name in PASSED_TO_ASYNCSSH:
            if value is None:
                kept.append(name)
            else:
                kept.append(f'{name}="' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
    normalised = (",".join(kept) + " " if kept else "") + rest
    try:
        keys = asyncssh.import_authorized_keys(normalised + "\n")
    except (ValueError, asyncssh.KeyImportError) as error:
        raise ValueError(clean(str(error), 60)) from None
    return Entry(keys, number, expires)


class AuthorizedKeys:
    """An authorized_keys file, read again whenever it changes (add a reader without a restart).

    Lines that cannot be used are skipped and reported, like sshd does. `check()` at start
    raises KeyFileError for a file others can write; later, such a file lets nobody in."""

    def __init__(self, path: Path | None, say) -> None:
        self.path = path
        self.say = say
        self._stamp: tuple | None = None
        self._entries: list[Entry] = []
        self.count = 0

    def check(self) -> None:
        if self.path is not None:
            check_private(self.path, "authorized keys file")

    def current(self) -> list[Entry] | None:
        if self.path is None:
            return None
        try:
            status = self.path.stat()
            stamp = (status.st_mtime_ns, status.st_size, status.st_ino, status.st_mode)
        except OSError:
            stamp = None
        if stamp != self._stamp:
            self._stamp = stamp
            self._entries = self._read(self.path)
            self.count = len(self._entries)
        return self._entries or None

    def _read(self, path: Path) -> list[Entry]:
        try:
            check_private(path, "authorized keys file")
            text = path.read_text(encoding="utf-8", errors="replace")
        except KeyFileError as error:
            self.say(f"{error}; nobody can log in until it is fixed")
            return []
        except OSError as error:
            self.say(f"authorized keys not readable ({error.strerror}): {self.path}")
            return []
        entries = []
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                entries.append(parse_line(line, number))
            except ValueError as error:
                self.say(f"{self.path} line {number} skipped: {error}")
        return entries

    def validate(self, key: asyncssh.SSHKey, address: str) -> tuple[dict | None, str | None]:
        """(the options of the line that lets `key` in from `address`, or None; a note why not)."""
        entries = self.current() or []
        note = None
        for entry in entries:
            try:
                options = entry.keys.validate(key, address, address)
            except ValueError:  # an address asyncssh cannot parse
                options = None
            if options is None:
                continue
            if entry.expires is not None and time.time() >= entry.expires:
                note = f"key expired (authorized_keys line {entry.line})"
                continue
            return dict(options), None
        return None, note
