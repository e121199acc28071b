"""Images: never fetched unless turned on; when on, drawn in the header and under their placeholders."""

from __future__ import annotations

import io
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from helpers import settle
from tui.app import PostshelfApp
from tui.archive import images as images_module
from tui.archive.images import ImageCache, ImageFetchError, fetch_image
from tui.widgets.header_image import HeaderImage
from tui.widgets.reader_body import ReaderBody


def _png(colour: tuple[int, int, int], size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture()
def image_server():
    """A loopback web server with two images, a page and a 404; it records what was asked."""
    requested: list[str] = []
    files = {
        "/cover.png": ("image/png", _png((0, 0, 255))),
        "/red.png": ("image/png", _png((255, 0, 0))),
        "/page": ("text/html", b"<html>not an image</html>"),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server name)
            requested.append(self.path)
            if self.path not in files:
                self.send_error(404)
                return
            kind, body = files[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requested
    server.shutdown()


def _archive(root: Path, base: str) -> Path:
    root.mkdir()
    (root / "pictures.md").write_text(
        f"---\ntitle: Pictures\ndate: 2022-01-01\nheadimg: '{base}/cover.png'\n---\n\n"
        f"Before.\n\n![a red square]({base}/red.png)\n\nBetween.\n\n![gone]({base}/missing.png)\n\nAfter.\n",
        encoding="utf-8",
    )
    return root


def test_fetch_refuses_what_is_not_an_http_image(image_server, tmp_path: Path, monkeypatch) -> None:
    base, _ = image_server
    assert fetch_image(f"{base}/red.png").startswith(b"\x89PNG")
    secret = tmp_path / "secret.png"
    secret.write_bytes(_png((1, 2, 3)))
    for url, reason in (
        (secret.as_uri(), "not an http(s) address"),
        ("ftp://127.0.0.1/x.png", "not an http(s)"),
        (f"{base}/page", "text/html, not an image"),
        (f"{base}/missing.png", "answered 404"),
        ("http://127.0.0.1:1/x.png", "could not fetch it"),
    ):
        with pytest.raises(ImageFetchError, match=re.escape(reason)):
            fetch_image(url)
    monkeypatch.setattr(images_module, "MAX_IMAGE_BYTES", 20)
    with pytest.raises(ImageFetchError, match="larger than"):
        fetch_image(f"{base}/red.png")


def test_the_cache_fetches_once_and_remembers_failures(image_server) -> None:
    base, requested = image_server
    cache = ImageCache()
    assert cache.get(f"{base}/red.png") == cache.get(f"{base}/red.png")
    for _ in range(2):
        with pytest.raises(ImageFetchError):
            cache.get(f"{base}/missing.png")
    assert requested == ["/red.png", "/missing.png"]


async def test_images_off_means_nothing_is_fetched(image_server, tmp_path: Path) -> None:
    base, requested = image_server
    app = PostshelfApp([_archive(tmp_path / "archive", base)], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = app.screen.query_one(ReaderBody).text
        assert "[img 2] a red square" in text and "[img 3] gone" in text
        assert "▀" not in text
        assert not app.screen.query_one(HeaderImage).display
    assert requested == []


async def test_images_on_are_drawn_and_failures_keep_their_placeholder(image_server, tmp_path: Path) -> None:
    base, requested = image_server
    Path(os.environ["POSTSHELF_CONFIG"]).write_text('images = "auto"\n', encoding="utf-8")
    app = PostshelfApp([_archive(tmp_path / "archive", base)], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await settle(pilot)
        body = app.screen.query_one(ReaderBody)
        lines = body.text.splitlines()
        red = next(i for i, line in enumerate(lines) if "[img 2] a red square" in line)
        assert lines[red + 1].strip().startswith("▀▀▀")  # drawn right under its placeholder
        assert any("[img 3] gone" in line for line in lines)  # the 404 keeps its placeholder
        assert lines.index(next(line for line in lines if "After." in line)) > red + 2
        header_image = app.screen.query_one(HeaderImage)
        assert header_image.display and len(header_image.children) == 1
    assert sorted(requested) == ["/cover.png", "/missing.png", "/red.png"]
