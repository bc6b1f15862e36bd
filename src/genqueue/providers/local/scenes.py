"""Backdrops, one per family of styles: a studio sweep, sun rays, watercolour paper, a
sketchbook grid, a cinematic dusk, a starfield. Unknown styles get one by hash."""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

from genqueue.providers.local.seeding import RGB, Palette, fraction, mix, seeded, shade

Backdrop = Callable[[tuple[int, int], Palette, str, float], Image.Image]
"""(size, palette, seed, floor line 0–1 of the height) → an RGB image."""


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    column = Image.new("RGB", (1, 256))
    column.putdata([mix(top, bottom, i / 255) for i in range(256)])
    return column.resize(size, Image.Resampling.BILINEAR)


def studio(size: tuple[int, int], pal: Palette, seed: str, floor: float) -> Image.Image:
    w, h = size
    image = _gradient(size, shade(pal.backdrop, 1.25), shade(pal.backdrop, 0.8))
    draw = ImageDraw.Draw(image)
    y = h * floor
    draw.rectangle((0, y, w, h), fill=shade(pal.backdrop, 0.7))
    glow = Image.new("L", size, 0)
    ImageDraw.Draw(glow).ellipse((w * 0.15, y - h * 0.06, w * 0.85, y + h * 0.08), fill=110)
    image.paste(shade(pal.backdrop, 1.4), mask=glow.filter(ImageFilter.GaussianBlur(w / 20)))
    return image


def rays(size: tuple[int, int], pal: Palette, seed: str, floor: float) -> Image.Image:
    w, h = size
    light, dark = shade(pal.accent, 1.55), shade(pal.accent, 1.3)
    image = Image.new("RGB", size, light)
    draw = ImageDraw.Draw(image)
    cx, cy, reach = w / 2, h * 0.38, max(w, h) * 1.5
    turn = fraction("rays", seed) * math.pi
    for i in range(0, 24, 2):
        a, b = turn + i * math.pi / 12, turn + (i + 1) * math.pi / 12
        points = [(cx, cy), (cx + reach * math.cos(a), cy + reach * math.sin(a))]
        points.append((cx + reach * math.cos(b), cy + reach * math.sin(b)))
        draw.polygon(points, fill=dark)
    draw.rectangle((0, h * floor, w, h), fill=shade(pal.trim, 1.5))
    return image


def watercolour(size: tuple[int, int], pal: Palette, seed: str, floor: float) -> Image.Image:
    w, h = size
    image = Image.new("RGB", size, (246, 240, 226))
    wash = Image.new("RGB", size, (246, 240, 226))
    draw = ImageDraw.Draw(wash)
    rng = seeded("wash", seed)
    for _ in range(14):
        x, y, r = rng.random() * w, rng.random() * h, (0.1 + rng.random() * 0.25) * w
        colour = mix((246, 240, 226), rng.choice((pal.backdrop, pal.accent, pal.outfit)), 0.35)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    image = Image.blend(image, wash.filter(ImageFilter.GaussianBlur(w / 25)), 0.85)
    ImageDraw.Draw(image).rectangle((0, h * floor, w, h), fill=mix((246, 240, 226), pal.trim, 0.25))
    return image.filter(ImageFilter.GaussianBlur(2))


def sketchbook(size: tuple[int, int], pal: Palette, seed: str, floor: float) -> Image.Image:
    w, h = size
    image = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(image)
    step = max(16, w // 24)
    for x in range(0, w, step):
        draw.line([(x, 0), (x, h)], fill=(214, 224, 236), width=2)
    for y in range(0, h, step):
        draw.line([(0, y), (w, y)], fill=(214, 224, 236), width=2)
    draw.line([(0, h * floor), (w, h * floor)], fill=(120, 120, 130), width=4)
    return image


def dusk(size: tuple[int, int], pal: Palette, seed: str, floor: float) -> Image.Image:
    w, h = size
    image = _gradient(size, (24, 26, 48), mix((24, 26, 48), pal.accent, 0.45))
    rim = Image.new("L", size, 0)
    ImageDraw.Draw(rim).ellipse((w * 0.2, h * 0.1, w * 0.8, h * 0.9), fill=120)
    image.paste(shade(pal.accent, 1.2), mask=rim.filter(ImageFilter.GaussianBlur(w / 8)))
    ImageDraw.Draw(image).rectangle((0, h * floor, w, h), fill=(18, 18, 30))
    return image


def stars(size: tuple[int, int], pal: Palette, seed: str, floor: float) -> Image.Image:
    w, h = size
    image = _gradient(size, (8, 10, 30), mix((8, 10, 30), pal.outfit, 0.4))
    draw = ImageDraw.Draw(image)
    rng = seeded("stars", seed)
    for _ in range(160):
        x, y, r = rng.random() * w, rng.random() * h * floor, 1 + rng.random() * w / 400
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=mix((255, 255, 255), pal.accent, rng.random() * 0.4)
        )
    draw.ellipse((-w * 0.3, h * floor, w * 1.3, h * 1.6), fill=shade(pal.trim, 0.8))
    return image


BACKDROPS: dict[str, Backdrop] = {
    "studio": studio,
    "rays": rays,
    "watercolour": watercolour,
    "sketch": sketchbook,
    "dusk": dusk,
    "stars": stars,
}
STYLE_WORDS: tuple[tuple[str, str], ...] = (
    ("production", "studio"),
    ("studio", "studio"),
    ("turnaround", "studio"),
    ("reference", "studio"),
    ("cartoon", "rays"),
    ("anime", "rays"),
    ("comic", "rays"),
    ("pop", "rays"),
    ("water", "watercolour"),
    ("story", "watercolour"),
    ("paint", "watercolour"),
    ("pastel", "watercolour"),
    ("sketch", "sketch"),
    ("pencil", "sketch"),
    ("line", "sketch"),
    ("concept", "sketch"),
    ("cinema", "dusk"),
    ("film", "dusk"),
    ("real", "dusk"),
    ("photo", "dusk"),
    ("noir", "dusk"),
    ("space", "stars"),
    ("sci", "stars"),
    ("fantasy", "stars"),
    ("night", "stars"),
)


def backdrop_for(style: str | None) -> tuple[str, Backdrop]:
    key = (style or "studio").lower()
    for word, name in STYLE_WORDS:
        if word in key:
            return name, BACKDROPS[name]
    names = sorted(BACKDROPS)
    name = names[int(fraction("style", key) * len(names))]
    return name, BACKDROPS[name]
