"""Fetching a post's images, only when the user turned images on (settings: images = "auto").

Posts are untrusted and images are requests to hosts the post chose (tracking pixels among
them), so nothing is fetched unless asked for, only http(s) is spoken (no file:, no ftp:, no
redirect to either), every response is capped in time and size, and a failure is a reason
string for the placeholder, never an exception in the reader.
"""

from __future__ import annotations

import threading
import urllib.request
from collections import OrderedDict
from urllib.parse import urlsplit

from .fields import real_url

MAX_IMAGE_BYTES = 8_000_000
TIMEOUT_SECONDS = 8
CACHE_BYTES = 64_000_000
USER_AGENT = "postshelf (terminal reader; images on request)"


class ImageFetchError(Exception):
    """Why an image could not be fetched, in words for the placeholder."""


def _opener() -> urllib.request.OpenerDirector:
    """HTTP and HTTPS only: the default opener would also follow file: and ftp: URLs."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def fetch_image(url: str) -> bytes:
    """The image's bytes. Raises ImageFetchError."""
    url = real_url(url)
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ImageFetchError("not an http(s) address")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
    try:
        with _opener().open(request, timeout=TIMEOUT_SECONDS) as response:
            kind = response.headers.get_content_type()
            if not kind.startswith("image/"):
                raise ImageFetchError(f"the server sent {kind}, not an image")
            data = response.read(MAX_IMAGE_BYTES + 1)
    except ImageFetchError:
        raise
    except urllib.error.HTTPError as error:
        raise ImageFetchError(f"the server answered {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise ImageFetchError(f"could not fetch it ({reason})") from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageFetchError(f"larger than {MAX_IMAGE_BYTES // 1_000_000} MB")
    return data


class ImageCache:
    """Fetched images (or why they failed) by URL, newest kept, up to CACHE_BYTES in all."""

    def __init__(self, limit: int = CACHE_BYTES) -> None:
        self._limit = limit
        self._entries: OrderedDict[str, bytes | ImageFetchError] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, url: str) -> bytes:
        """The image's bytes, fetched on first use (call from a worker). Raises ImageFetchError."""
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None:
                self._entries.move_to_end(url)
        if entry is None:
            try:
                entry = fetch_image(url)
            except ImageFetchError as error:
                entry = error
            self._store(url, entry)
        if isinstance(entry, ImageFetchError):
            raise entry
        return entry

    def _store(self, url: str, entry: bytes | ImageFetchError) -> None:
        size = len(entry) if isinstance(entry, bytes) else 0
        with self._lock:
            if url in self._entries:
                return
            self._entries[url] = entry
            self._size += size
            while self._size > self._limit and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped) if isinstance(dropped, bytes) else 0
