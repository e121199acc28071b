"""Images drawn as coloured half-cell blocks, lines of segments the reader can hold.

The reader paints lines of text cells (see widgets/reader_body.py), so an inline image has to
become cells too: each cell shows two pixels (▀ in the upper one's colour on the lower one's).
This works in any colour terminal, over SSH and in tmux. The header image uses textual-image's
widget instead, which draws with sixel or the kitty protocol where the terminal has them.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.segment import Segment

MAX_ROWS = 20
MAX_PIXELS = 40_000_000
"""Larger images are refused before decoding: a small file can expand to gigabytes."""


class ImageDecodeError(Exception):
    pass


def decode(data: bytes):
    """A PIL image in RGB. Raises ImageDecodeError for anything that is not a sane image."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ImageDecodeError(f"too large ({image.width}×{image.height} pixels)")
        image.draft("RGB", (800, 800))  # JPEG: decode at a reduced size, much faster
        return image.convert("RGB")
    except ImageDecodeError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ImageDecodeError(f"not an image this can show ({type(error).__name__})") from None


def half_cell_lines(image, width: int, max_rows: int = MAX_ROWS) -> list[list[Segment]]:
    """The image in at most `width` cells and `max_rows` lines, keeping its shape."""
    from textual_image.renderable.halfcell import Image as HalfCellImage

    columns = max(4, min(width, image.width))
    rows = max(1, round(columns * image.height / image.width / 2))
    if rows > max_rows:
        columns = max(4, round(columns * max_rows / rows))
        rows = max_rows
    console = Console(width=columns, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    renderable = HalfCellImage(image, width=columns, height=rows)
    return [list(line) for line in console.render_lines(renderable, console.options.update(width=columns), pad=False)]
