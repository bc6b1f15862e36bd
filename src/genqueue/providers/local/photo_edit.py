"""Seed 004's photo edit, done on the uploaded photo itself: a filter per `styleKey`
(watercolor, cartoon, sketch, pop art, vintage, oil painting, pixel art, anime) and a
layout per `kind` (cover, page, back cover, portrait), with the hero's name and the
theme drawn in. The output keeps the photo's aspect ratio."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import (
    Image,
    ImageChops,
    ImageDraw,
    ImageEnhance,
    ImageFilter,
    ImageOps,
    UnidentifiedImageError,
)

from genqueue.providers.base import FinalProviderError, PhotoEditSpec
from genqueue.providers.local.layouts import lay_out
from genqueue.providers.local.seeding import fraction, seeded

WORKING_SIDE = 1024
MAX_INPUT_PIXELS = 40_000_000
Filter = Callable[[Image.Image, str], Image.Image]


def _edges(image: Image.Image, threshold: int, thickness: int) -> Image.Image:
    """A mask of the photo's outlines (white where a line goes), `thickness` odd."""
    gray = ImageOps.grayscale(image).filter(ImageFilter.SMOOTH_MORE)
    edges = gray.filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > threshold else 0)
    return edges.filter(ImageFilter.MaxFilter(thickness)) if thickness > 1 else edges


def watercolor(image: Image.Image, seed: str) -> Image.Image:
    """Flat washes of colour, darker where pigment pooled at their edges, faint pencil
    lines under them, on textured paper."""
    soft = image.filter(ImageFilter.MedianFilter(7)).filter(ImageFilter.SMOOTH_MORE)
    washes = soft.quantize(colors=24, dither=Image.Dither.NONE).convert("RGB")
    washes = ImageEnhance.Color(washes.filter(ImageFilter.GaussianBlur(1.2))).enhance(1.2)
    washes = Image.blend(washes, Image.new("RGB", image.size, (255, 253, 245)), 0.15)
    paper = Image.effect_noise(image.size, 48).filter(ImageFilter.GaussianBlur(1.0))
    washed = ImageChops.multiply(washes, ImageOps.colorize(paper, (205, 192, 170), (255, 252, 244)))
    pooled = _edges(washes, 10, 3).filter(ImageFilter.GaussianBlur(1.5)).point(lambda v: v // 2)
    pigment = ImageChops.multiply(washed, Image.new("RGB", image.size, (120, 105, 130)))
    washed = Image.composite(pigment, washed, pooled)
    pencil = _edges(image, 40, 1).filter(ImageFilter.GaussianBlur(0.6)).point(lambda v: v // 3)
    return Image.composite(Image.new("RGB", image.size, (70, 64, 80)), washed, pencil)


def cartoon(image: Image.Image, seed: str) -> Image.Image:
    flat = image.filter(ImageFilter.MedianFilter(5)).filter(ImageFilter.SMOOTH_MORE)
    flat = (
        ImageEnhance.Color(flat)
        .enhance(1.5)
        .quantize(colors=14, dither=Image.Dither.NONE)
        .convert("RGB")
    )
    lines = _edges(image, 36, 3)
    return Image.composite(Image.new("RGB", image.size, (25, 22, 30)), flat, lines)


def sketch(image: Image.Image, seed: str) -> Image.Image:
    gray = ImageOps.grayscale(image)
    lines = ImageOps.invert(gray.filter(ImageFilter.FIND_EDGES))
    lines = ImageOps.autocontrast(lines, cutoff=2)
    shading = gray.point(lambda v: 150 + v * 105 // 255)
    drawn = ImageChops.multiply(lines, shading)
    hatch = Image.new("L", image.size, 255)
    draw = ImageDraw.Draw(hatch)
    step = max(6, image.width // 90)
    for x in range(-image.height, image.width, step):
        draw.line([(x, image.height), (x + image.height, 0)], fill=225, width=1)
    dark = gray.point(lambda v: 255 if v < 90 else 0)
    drawn = Image.composite(ImageChops.multiply(drawn, hatch), drawn, dark)
    return ImageOps.colorize(drawn, (40, 40, 60), (250, 248, 240))


def pop_art(image: Image.Image, seed: str) -> Image.Image:
    rng = seeded("pop", seed)
    gray = ImageOps.grayscale(image.filter(ImageFilter.MedianFilter(3)))
    inks = [(255, 230, 0), (255, 60, 140), (0, 190, 240), (120, 255, 90)]
    rng.shuffle(inks)
    toned = ImageOps.colorize(ImageOps.posterize(gray, 2), (30, 20, 60), inks[0], inks[1])
    return Image.composite(Image.new("RGB", image.size, (15, 15, 20)), toned, _edges(image, 40, 3))


def vintage(image: Image.Image, seed: str) -> Image.Image:
    toned = ImageOps.colorize(ImageOps.grayscale(image), (50, 30, 20), (250, 230, 190))
    grain = Image.effect_noise(image.size, 30).convert("RGB")
    toned = Image.blend(toned, ImageChops.multiply(toned, grain), 0.25)
    return _vignette(toned, 0.55)


def oil_painting(image: Image.Image, seed: str) -> Image.Image:
    small = image.resize((max(1, image.width // 2), max(1, image.height // 2)))
    strokes = small.filter(ImageFilter.ModeFilter(5)).filter(ImageFilter.SMOOTH_MORE)
    strokes = strokes.resize(image.size, Image.Resampling.BICUBIC).filter(
        ImageFilter.EDGE_ENHANCE_MORE
    )
    return ImageEnhance.Color(strokes).enhance(1.4)


def pixel_art(image: Image.Image, seed: str) -> Image.Image:
    cells = max(24, min(96, image.width // 12))
    small = image.resize(
        (cells, max(1, round(cells * image.height / image.width))), Image.Resampling.BOX
    )
    small = (
        ImageEnhance.Color(small)
        .enhance(1.3)
        .quantize(colors=20, dither=Image.Dither.NONE)
        .convert("RGB")
    )
    return small.resize(image.size, Image.Resampling.NEAREST)


def anime(image: Image.Image, seed: str) -> Image.Image:
    smooth = image.filter(ImageFilter.MedianFilter(5)).filter(ImageFilter.SMOOTH_MORE)
    bright = ImageEnhance.Brightness(ImageEnhance.Color(smooth).enhance(1.6)).enhance(1.1)
    flat = ImageOps.posterize(bright, 3)
    return Image.composite(Image.new("RGB", image.size, (40, 30, 50)), flat, _edges(image, 48, 1))


def _vignette(image: Image.Image, strength: float) -> Image.Image:
    mask = Image.new("L", image.size, 0)
    w, h = image.size
    ImageDraw.Draw(mask).ellipse((-w * 0.15, -h * 0.15, w * 1.15, h * 1.15), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(min(w, h) / 6))
    dark = ImageEnhance.Brightness(image).enhance(1 - strength)
    return Image.composite(image, dark, mask)


FILTERS: dict[str, Filter] = {
    "watercolor": watercolor,
    "cartoon": cartoon,
    "sketch": sketch,
    "pop_art": pop_art,
    "vintage": vintage,
    "oil_painting": oil_painting,
    "pixel_art": pixel_art,
    "anime": anime,
}
STYLE_WORDS: tuple[tuple[str, str], ...] = (
    ("water", "watercolor"),
    ("paint", "oil_painting"),
    ("oil", "oil_painting"),
    ("cartoon", "cartoon"),
    ("comic", "pop_art"),
    ("pop", "pop_art"),
    ("sketch", "sketch"),
    ("pencil", "sketch"),
    ("line", "sketch"),
    ("vintage", "vintage"),
    ("sepia", "vintage"),
    ("retro", "vintage"),
    ("pixel", "pixel_art"),
    ("8bit", "pixel_art"),
    ("anime", "anime"),
    ("manga", "anime"),
    ("pixar", "cartoon"),
    ("3d", "cartoon"),
    ("disney", "cartoon"),
)


def filter_for(style_key: str) -> tuple[str, Filter]:
    key = style_key.lower().replace("-", "_").replace(" ", "_")
    if key in FILTERS:
        return key, FILTERS[key]
    for word, name in STYLE_WORDS:
        if word in key:
            return name, FILTERS[name]
    names = sorted(FILTERS)
    name = names[int(fraction("photo-style", key) * len(names))]
    return name, FILTERS[name]


def open_photo(data: bytes) -> Image.Image:
    """The upload as RGB, upright, at most WORKING_SIDE on its long side."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_INPUT_PIXELS:
                raise FinalProviderError("the photo has too many pixels to edit")
            photo = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise FinalProviderError(f"the photo cannot be read: {exc}") from None
    scale = min(1.0, WORKING_SIDE / max(photo.size))
    if scale < 1.0:
        size = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
        photo = photo.resize(size, Image.Resampling.LANCZOS)
    return photo


def restyle(spec: PhotoEditSpec) -> tuple[bytes, int, int]:
    photo = open_photo(spec.photo)
    _, style = filter_for(spec.style_key)
    styled = style(photo, spec.seed)
    page = lay_out(styled, spec)
    out = io.BytesIO()
    page.save(out, "PNG", compress_level=6)
    return out.getvalue(), page.width, page.height
