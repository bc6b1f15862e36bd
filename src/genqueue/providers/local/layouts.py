"""Picture-book layouts over a restyled photo, on the photo's own canvas (so its aspect
stays): a cover with a title band, a page with a text panel, a back cover, a portrait
medallion. Each theme brings a title, a colour, a line of text and corner motifs."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from genqueue.providers.base import PhotoEditSpec
from genqueue.providers.local.drawing import fitted_font, font, outlined_text, wrap
from genqueue.providers.local.seeding import RGB, seeded, shade


@dataclass(frozen=True, slots=True)
class Theme:
    title: str
    cover: str
    """The cover's title; `{hero}` is the hero's name."""
    colour: RGB
    motif: str
    line: str
    """A page's sentence; `{hero}` is the hero's name."""


THEMES: dict[str, Theme] = {
    "adventure": Theme(
        "The Great Adventure",
        "{hero}'s Great Adventure",
        (214, 120, 40),
        "star",
        "{hero} packed a map, a snack and a brave heart, and set off over the hills.",
    ),
    "space": Theme(
        "Journey to the Stars",
        "{hero}'s Journey to the Stars",
        (60, 70, 160),
        "star",
        "{hero} pressed the big red button, and the rocket rumbled up past the moon.",
    ),
    "ocean": Theme(
        "Under the Sea",
        "{hero} Under the Sea",
        (30, 130, 180),
        "bubble",
        "{hero} swam down past the coral, where a shy octopus waved hello.",
    ),
    "fairy": Theme(
        "The Enchanted Kingdom",
        "{hero} and the Enchanted Kingdom",
        (180, 90, 170),
        "sparkle",
        "{hero} followed the trail of glowing petals to the castle gate.",
    ),
    "dinosaur": Theme(
        "Land of the Dinosaurs",
        "{hero} in the Land of the Dinosaurs",
        (90, 140, 60),
        "leaf",
        "{hero} tiptoed past a sleeping triceratops the size of a bus.",
    ),
    "jungle": Theme(
        "Deep in the Jungle",
        "{hero}, Deep in the Jungle",
        (40, 130, 80),
        "leaf",
        "{hero} swung on a vine while the parrots cheered from the treetops.",
    ),
    "pirate": Theme(
        "Treasure Island",
        "{hero} and the Treasure Island Map",
        (150, 90, 50),
        "star",
        "{hero} read the old map: ten steps past the palm tree, then dig.",
    ),
    "superhero": Theme(
        "A Hero Is Born",
        "{hero}: A Hero Is Born",
        (200, 40, 50),
        "star",
        "{hero} tied on a cape and flew over the city to save the day.",
    ),
    "magic": Theme(
        "The Magic Spell",
        "{hero} and the Magic Spell",
        (110, 60, 170),
        "sparkle",
        "{hero} waved the wand, and the teacups began to dance.",
    ),
    "winter": Theme(
        "The Snowy Day",
        "{hero}'s Snowy Day",
        (110, 160, 210),
        "snow",
        "{hero} built a snow friend with a carrot nose and a crooked grin.",
    ),
    "birthday": Theme(
        "The Best Birthday",
        "{hero}'s Best Birthday",
        (230, 90, 120),
        "heart",
        "{hero} made a wish and blew out every candle in one big breath.",
    ),
    "forest": Theme(
        "The Whispering Woods",
        "{hero} in the Whispering Woods",
        (70, 110, 50),
        "leaf",
        "{hero} listened as the old oak tree told a secret.",
    ),
}
THEME_WORDS = {
    "sea": "ocean",
    "under": "ocean",
    "water": "ocean",
    "mermaid": "ocean",
    "star": "space",
    "rocket": "space",
    "planet": "space",
    "princess": "fairy",
    "castle": "fairy",
    "dino": "dinosaur",
    "wizard": "magic",
    "snow": "winter",
    "christmas": "winter",
    "party": "birthday",
    "wood": "forest",
    "hero": "superhero",
    "treasure": "pirate",
}


def theme_for(theme_id: str) -> Theme:
    key = theme_id.lower()
    for name, theme in THEMES.items():
        if name in key:
            return theme
    for word, name in THEME_WORDS.items():
        if word in key:
            return THEMES[name]
    words = theme_id.replace("-", " ").replace("_", " ").strip().title() or "A Story"
    rng = seeded("theme", key)
    colour = (rng.randrange(40, 200), rng.randrange(40, 200), rng.randrange(40, 200))
    return Theme(
        words,
        "{hero} and the " + words,
        colour,
        "star",
        "{hero} took a deep breath. Today was the day for " + words.lower() + ".",
    )


def _motifs(draw: ImageDraw.ImageDraw, size: tuple[int, int], theme: Theme, seed: str) -> None:
    """Small theme shapes scattered near the edges."""
    w, h = size
    rng = seeded("motifs", seed, theme.motif)
    unit = min(w, h) / 30
    for _ in range(14):
        edge = rng.random() < 0.5
        x = (
            rng.random() * w
            if edge
            else rng.choice((rng.random() * w * 0.12, w - rng.random() * w * 0.12))
        )
        y = (
            rng.choice((rng.random() * h * 0.1, h - rng.random() * h * 0.1))
            if edge
            else rng.random() * h
        )
        r = unit * (0.5 + rng.random())
        _motif(draw, theme.motif, x, y, r, shade(theme.colour, 1.6))


def _motif(draw: ImageDraw.ImageDraw, kind: str, x: float, y: float, r: float, colour: RGB) -> None:
    if kind == "bubble":
        draw.ellipse(
            (x - r, y - r, x + r, y + r), outline=(*colour, 230), width=max(2, round(r / 4))
        )
    elif kind == "leaf":
        draw.chord((x - r, y - r / 2, x + r, y + r / 2), 0, 360, fill=(*colour, 220))
        draw.line([(x - r, y), (x + r, y)], fill=shade(colour, 0.6), width=2)
    elif kind == "heart":
        draw.ellipse((x - r, y - r / 2, x, y + r / 3), fill=(*colour, 220))
        draw.ellipse((x, y - r / 2, x + r, y + r / 3), fill=(*colour, 220))
        draw.polygon([(x - r, y), (x + r, y), (x, y + r)], fill=(*colour, 220))
    elif kind == "snow":
        for k in range(3):
            a = k * math.pi / 3
            draw.line(
                [
                    (x - r * math.cos(a), y - r * math.sin(a)),
                    (x + r * math.cos(a), y + r * math.sin(a)),
                ],
                fill=(*colour, 240),
                width=max(2, round(r / 5)),
            )
    else:
        points = [
            (
                x + (r if k % 2 == 0 else r / 2.4) * math.cos(k * math.pi / 5 - math.pi / 2),
                y + (r if k % 2 == 0 else r / 2.4) * math.sin(k * math.pi / 5 - math.pi / 2),
            )
            for k in range(10)
        ]
        draw.polygon(points, fill=(*colour, 235))


def cover(image: Image.Image, spec: PhotoEditSpec, theme: Theme) -> Image.Image:
    w, h = image.size
    draw = ImageDraw.Draw(image, "RGBA")
    band = round(h * 0.2)
    draw.rectangle((0, 0, w, band), fill=(*theme.colour, 225))
    title = theme.cover.format(hero=spec.hero_name)
    lines = wrap(draw, title, fitted_font(draw, title, w * 1.6, round(band * 0.42)), w * 0.9)
    face = fitted_font(draw, max(lines, key=len), w * 0.9, round(band * 0.8 / max(1, len(lines))))
    for i, line in enumerate(lines[:2]):
        y = band * (i + 0.5) / min(2, len(lines))
        outlined_text(draw, (w / 2, y), line, face, (255, 255, 255), shade(theme.colour, 0.4))
    strip = round(h * 0.07)
    draw.rectangle((0, h - strip, w, h), fill=(*shade(theme.colour, 0.5), 210))
    draw.text(
        (w / 2, h - strip / 2),
        f"starring {spec.hero_name}",
        font=font(round(strip * 0.45)),
        fill=(255, 255, 255),
        anchor="mm",
    )
    _motifs(draw, image.size, theme, spec.seed)
    border = max(4, round(min(w, h) / 60))
    draw.rectangle(
        (border // 2, border // 2, w - border // 2, h - border // 2),
        outline=shade(theme.colour, 0.5),
        width=border,
    )
    return image


def page(image: Image.Image, spec: PhotoEditSpec, theme: Theme) -> Image.Image:
    w, h = image.size
    draw = ImageDraw.Draw(image, "RGBA")
    margin = round(min(w, h) * 0.04)
    top = round(h * 0.7)
    draw.rounded_rectangle(
        (margin, top, w - margin, h - margin),
        radius=margin,
        fill=(255, 250, 240, 230),
        outline=(*theme.colour, 255),
        width=max(3, margin // 5),
    )
    text = theme.line.format(hero=spec.hero_name)
    face = font(max(12, round((h - top) * 0.16)))
    lines = wrap(draw, text, face, w - margin * 4)
    while len(lines) > 3 and face.size > 12:
        face = font(round(face.size * 0.85))
        lines = wrap(draw, text, face, w - margin * 4)
    line_height = face.size * 1.3
    y = top + (h - margin - top - line_height * len(lines)) / 2
    for line in lines:
        draw.text((margin * 2, y), line, font=face, fill=(40, 36, 48))
        y += line_height
    draw.text(
        (w - margin * 1.5, h - margin * 1.5),
        theme.title,
        font=font(max(10, round(face.size * 0.55))),
        fill=shade(theme.colour, 0.6),
        anchor="rb",
    )
    return image


def back_cover(image: Image.Image, spec: PhotoEditSpec, theme: Theme) -> Image.Image:
    w, h = image.size
    soft = image.filter(ImageFilter.GaussianBlur(min(w, h) / 40))
    tinted = Image.blend(soft, Image.new("RGB", image.size, theme.colour), 0.45)
    draw = ImageDraw.Draw(tinted, "RGBA")
    outlined_text(
        draw,
        (w / 2, h * 0.42),
        "The End",
        fitted_font(draw, "The End", w * 0.7, round(h * 0.16)),
        (255, 255, 255),
        shade(theme.colour, 0.35),
    )
    note = f"Thank you for reading {theme.cover.format(hero=spec.hero_name)}."
    face = font(max(12, round(h * 0.035)))
    for i, line in enumerate(wrap(draw, note, face, w * 0.8)):
        draw.text(
            (w / 2, h * 0.58 + i * face.size * 1.3),
            line,
            font=face,
            fill=(255, 255, 255),
            anchor="mm",
        )
    _motifs(draw, image.size, theme, spec.seed)
    return tinted


def portrait(image: Image.Image, spec: PhotoEditSpec, theme: Theme) -> Image.Image:
    w, h = image.size
    frame = Image.new("RGB", image.size, shade(theme.colour, 1.5))
    draw = ImageDraw.Draw(frame, "RGBA")
    _motifs(draw, image.size, theme, spec.seed)
    r = min(w, h) * 0.4
    cx, cy = w / 2, h * 0.45
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    frame.paste(image, mask=mask)
    ring = max(4, round(r / 18))
    draw = ImageDraw.Draw(frame, "RGBA")
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=shade(theme.colour, 0.6), width=ring)
    plate_y = min(h - r * 0.2, cy + r * 1.12)
    name = fitted_font(draw, spec.hero_name, w * 0.7, round(r * 0.22))
    draw.rounded_rectangle(
        (w * 0.18, plate_y - r * 0.16, w * 0.82, plate_y + r * 0.16),
        radius=r * 0.08,
        fill=(*theme.colour, 240),
    )
    draw.text((w / 2, plate_y), spec.hero_name, font=name, fill=(255, 255, 255), anchor="mm")
    return frame


Layout = Callable[[Image.Image, PhotoEditSpec, Theme], Image.Image]
LAYOUTS: dict[str, Layout] = {
    "cover": cover,
    "page": page,
    "back_cover": back_cover,
    "portrait": portrait,
}
KIND_WORDS = {
    "back": "back_cover",
    "end": "back_cover",
    "front": "cover",
    "title": "cover",
    "portrait": "portrait",
    "avatar": "portrait",
    "character": "portrait",
    "hero": "portrait",
}


def layout_for(kind: str) -> Layout:
    key = kind.lower().replace("-", "_").replace(" ", "_")
    if key in LAYOUTS:
        return LAYOUTS[key]
    for word, name in KIND_WORDS.items():
        if word in key:
            return LAYOUTS[name]
    return page


def lay_out(image: Image.Image, spec: PhotoEditSpec) -> Image.Image:
    return layout_for(spec.kind)(image.copy(), spec, theme_for(spec.theme_id))
