"""The post's cover image above the reader, when the user turned images on.

textual-image's widget picks the best drawing the terminal offers (sixel, the kitty graphics
protocol, else coloured half cells). The image is fetched and decoded in a worker; until then,
and when that fails, nothing is shown here (the body keeps its placeholder line).
"""

from __future__ import annotations

from textual import on, work
from textual.containers import Container
from textual.message import Message
from textual.worker import get_current_worker

from ..archive.images import ImageCache, ImageFetchError
from ..image_rendering import ImageDecodeError, decode


class HeaderImage(Container):
    class Fetched(Message, bubble=False):
        """The worker fetched and decoded the image at `url`."""

        def __init__(self, url: str, image) -> None:
            super().__init__()
            self.url = url
            self.image = image

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.images: ImageCache | None = None
        self.url = ""
        self.display = False

    def show(self, url: str) -> None:
        """Show the image at `url` ('' for none); never blocks (fetched in a worker)."""
        if url == self.url:
            return
        self.url = url
        self.remove_children()
        self.display = False
        if url and self.images is not None:
            self._fetch(url, self.images)

    @work(thread=True, exclusive=True, group="header-image")
    def _fetch(self, url: str, images: ImageCache) -> None:
        try:
            image = decode(images.get(url))
        except (ImageFetchError, ImageDecodeError):
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Fetched(url, image))

    @on(Fetched)
    def _mount_image(self, fetched: Fetched) -> None:
        if fetched.url != self.url:
            return
        image = fetched.image
        from textual_image.widget import Image

        self.remove_children()
        self.mount(Image(image, classes="header-image"))
        self.display = True
