"""Fonts and text layout shared by the local image makers."""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageDraw, ImageFont

from genqueue.providers.local.seeding import RGB

FontType = ImageFont.FreeTypeFont
FONT_FILES = {
    False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
    True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
}
FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/dejavu"),
)


@functools.lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> FontType:
    """DejaVu when the system has it (it covers Cyrillic and accents), else Pillow's own."""
    for folder in FONT_FOLDERS:
        for name in FONT_FILES[bold]:
            candidate = folder / name
            if candidate.is_file():
                return ImageFont.truetype(str(candidate), size)
    face = ImageFont.load_default(size=size)
    if not isinstance(face, ImageFont.FreeTypeFont):
        raise RuntimeError("this Pillow has no FreeType support; install Pillow from its wheel")
    return face


def text_width(draw: ImageDraw.ImageDraw, text: str, face: FontType) -> float:
    return draw.textlength(text, font=face)


def fitted_font(
    draw: ImageDraw.ImageDraw, text: str, width: float, largest: int, bold: bool = True
) -> FontType:
    """The largest font up to `largest` px in which `text` fits in `width`."""
    size = largest
    while size > 10 and text_width(draw, text, font(size, bold)) > width:
        size = max(10, int(size * 0.9))
    return font(size, bold)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: FontType, width: float) -> list[str]:
    """Greedy word wrap to lines no wider than `width`."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and text_width(draw, trial, face) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def outlined_text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    face: FontType,
    fill: RGB,
    outline: RGB,
    anchor: str = "mm",
) -> None:
    stroke = max(1, round(face.size / 14))
    draw.text(
        xy, text, font=face, fill=fill, anchor=anchor, stroke_width=stroke, stroke_fill=outline
    )
