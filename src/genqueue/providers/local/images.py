"""The local image provider: character renders drawn with Pillow, and photo edits.

A render is the character's figure (palette and hair from its seed) in the asked pose,
turned to the asked angle, framed by the lens (35 mm full body, 50 mm knees up, 85 mm
portrait), on a backdrop for the style, with a caption band naming it. The same spec
gives the same bytes. Its quality score is a pure function of (seed, angle, lens,
attempt), so a high threshold fails some shots for good and a retry may pass others.
"""

from __future__ import annotations

import asyncio
import io
import re

from PIL import Image, ImageDraw, ImageFilter

from genqueue.providers.base import FinalProviderError, GeneratedImage, ImageSpec, PhotoEditSpec
from genqueue.providers.local.drawing import fitted_font, font
from genqueue.providers.local.figure import FigurePainter
from genqueue.providers.local.photo_edit import restyle
from genqueue.providers.local.poses import pose_named, view_of
from genqueue.providers.local.projection import FIGURE_HEIGHT, SEAT_DROP, Frame, Projector
from genqueue.providers.local.scenes import backdrop_for
from genqueue.providers.local.seeding import Pace, fraction, palette_of, shade

SUPERSAMPLE = 2
CAPTION_SHARE = 0.1
GENERATE_STEPS = 3
EDIT_STEPS = 3
MAX_SIDE = 2048
MIN_SIDE = 64


def canvas_size(spec: ImageSpec) -> tuple[int, int]:
    """The asked size, at most MAX_SIDE a side; below MIN_SIDE is a refused request."""
    if spec.width < MIN_SIDE or spec.height < MIN_SIDE:
        raise FinalProviderError(f"an image must be at least {MIN_SIDE}×{MIN_SIDE} pixels")
    return min(spec.width, MAX_SIDE), min(spec.height, MAX_SIDE)


def lens_mm(lens: str | None) -> int:
    """`85mm` → 85; no lens means a 35 mm full-body shot."""
    found = re.search(r"\d+", lens or "")
    return int(found.group()) if found else 35


def shot_quality(seed: str, angle: str | None, lens: str | None, attempt: int) -> float:
    """0–100: a shot's own level (70–98) moved down up to 6.4 or up to 9.6 by its attempt."""
    base = 70.0 + 28.0 * fraction("quality", seed, angle, lens)
    jitter = (fraction("quality-attempt", seed, angle, lens, attempt) - 0.4) * 16.0
    return round(max(0.0, min(100.0, base + jitter)), 1)


def _frame(size: tuple[int, int], mm: int, shift: float, drop: float) -> tuple[Frame, float]:
    """Where the figure stands and the backdrop's floor line, for a lens. A full-body shot
    stands on the floor (a jump leaves it); closer lenses follow the body (`drop`)."""
    w, h = size
    ground = h * (1.0 - CAPTION_SHARE - 0.04)
    if mm < 45:
        unit = min(h * 0.72 / FIGURE_HEIGHT, w * 0.9 / 3.4)
        return Frame(w / 2 + shift * w, ground - FIGURE_HEIGHT * unit, unit), ground / h
    if mm < 70:
        unit = min(h * 0.9 / 4.8, w * 0.9 / 3.2)
        return Frame(w / 2 + shift * w, h * 0.06 - drop * unit, unit), 0.7
    unit = min(h * 0.86 / 2.7, w * 0.95 / 2.4)
    return Frame(w / 2 + shift * w, h * 0.1 - drop * unit, unit), 0.62


def render_character(spec: ImageSpec) -> bytes:
    width, height = canvas_size(spec)
    size = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    seed = spec.character.seed if spec.character else spec.seed
    palette = palette_of(seed)
    mm = lens_mm(spec.lens)
    shift = (fraction("framing", spec.seed, spec.angle, spec.attempt) - 0.5) * 0.05
    _, pose = pose_named(spec.pose)
    drop = pose.lift + (SEAT_DROP if pose.seated else 0.0)
    frame, floor = _frame(size, mm, shift, drop)
    _, backdrop = backdrop_for(spec.style)
    image = backdrop(size, palette, seed, floor)
    if mm >= 45:
        image = image.filter(ImageFilter.GaussianBlur(SUPERSAMPLE * (1.5 if mm < 70 else 5)))
    draw = ImageDraw.Draw(image)
    view = view_of(spec.angle)
    ground_y = frame.top + FIGURE_HEIGHT * frame.unit
    shadow = (frame.centre_x - 1.6 * frame.unit, ground_y - 0.25 * frame.unit)
    draw.ellipse(
        (*shadow, frame.centre_x + 1.6 * frame.unit, ground_y + 0.25 * frame.unit),
        fill=shade(palette.backdrop, 0.55),
    )
    name = spec.character.name if spec.character else _short(spec.prompt)
    FigurePainter(Projector(frame, view, drop), palette, pose, name[:1].upper()).paint(draw)
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    _caption(image, spec, name, mm)
    return _png(image)


def _short(text: str, limit: int = 40) -> str:
    """A prompt cut to a caption: whole words, an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _caption(image: Image.Image, spec: ImageSpec, name: str, mm: int) -> None:
    w, h = image.size
    band = round(h * CAPTION_SHARE)
    draw = ImageDraw.Draw(image, "RGBA")
    draw.rectangle((0, h - band, w, h), fill=(20, 20, 28, 215))
    title = fitted_font(draw, name, w * 0.55, round(band * 0.5))
    draw.text((band * 0.3, h - band / 2), name, font=title, fill=(255, 255, 255), anchor="lm")
    angle = (spec.angle or "front").replace("_", " ")
    details = " · ".join(filter(None, [angle, f"{mm}mm", spec.pose, spec.style]))
    small = font(max(10, round(band * 0.22)))
    draw.text(
        (w - band * 0.3, h - band * 0.62), details, font=small, fill=(230, 230, 240), anchor="rm"
    )
    draw.text(
        (w - band * 0.3, h - band * 0.3),
        "placeholder render",
        font=small,
        fill=(160, 160, 175),
        anchor="rm",
    )


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


class LocalImages:
    def __init__(self, pace: Pace) -> None:
        self.pace = pace

    async def generate(self, spec: ImageSpec) -> GeneratedImage:
        width, height = canvas_size(spec)
        await self.pace.steps(GENERATE_STEPS)
        data = await asyncio.to_thread(render_character, spec)
        angle = spec.angle or spec.pose
        quality = shot_quality(spec.seed, angle, spec.lens, spec.attempt)
        return GeneratedImage(data, "image/png", quality, width, height)

    async def edit(self, spec: PhotoEditSpec) -> GeneratedImage:
        await self.pace.steps(EDIT_STEPS)
        data, width, height = await asyncio.to_thread(restyle, spec)
        quality = shot_quality(spec.seed, spec.style_key, spec.kind, 1)
        return GeneratedImage(data, "image/png", quality, width, height)
