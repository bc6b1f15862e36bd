"""Repeatable randomness: everything the local providers choose comes from a hash of the
request (a character id, an angle, an attempt), never from the clock or a global RNG."""

from __future__ import annotations

import asyncio
import colorsys
import hashlib
import random
from dataclasses import dataclass

RGB = tuple[int, int, int]

SKIN_TONES: tuple[RGB, ...] = (
    (255, 224, 196),
    (241, 194, 160),
    (224, 172, 130),
    (198, 140, 100),
    (160, 106, 72),
    (120, 78, 52),
    (92, 58, 40),
)
HAIR_COLOURS: tuple[RGB, ...] = (
    (30, 24, 22),
    (74, 46, 30),
    (128, 80, 44),
    (196, 150, 84),
    (232, 206, 150),
    (170, 64, 36),
    (200, 200, 208),
    (64, 96, 180),
    (190, 80, 150),
)


def digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).digest()


def seeded(*parts: object) -> random.Random:
    """A generator that gives the same sequence for the same parts, in every process."""
    return random.Random(int.from_bytes(digest(*parts)[:8], "big"))


def fraction(*parts: object) -> float:
    """A number in [0, 1) fixed by the parts."""
    return int.from_bytes(digest(*parts)[:6], "big") / float(1 << 48)


def hsv(hue: float, saturation: float, value: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, saturation, value)
    return round(r * 255), round(g * 255), round(b * 255)


def shade(colour: RGB, factor: float) -> RGB:
    """Darker below 1, lighter above (towards white)."""
    if factor <= 1:
        r, g, b = (round(c * factor) for c in colour)
        return r, g, b
    r, g, b = (round(c + (255 - c) * (factor - 1)) for c in colour)
    return min(r, 255), min(g, 255), min(b, 255)


def mix(first: RGB, second: RGB, amount: float) -> RGB:
    r, g, b = (round(a + (b - a) * amount) for a, b in zip(first, second, strict=True))
    return r, g, b


@dataclass(frozen=True, slots=True)
class Palette:
    """A character's colours, the same in every picture of it."""

    skin: RGB
    hair: RGB
    outfit: RGB
    trim: RGB
    accent: RGB
    backdrop: RGB
    ink: RGB
    hair_style: int
    """0 short, 1 long, 2 tied up, 3 spiky: the silhouette of the hair."""


def palette_of(seed: str) -> Palette:
    rng = seeded("palette", seed)
    hue = rng.random()
    return Palette(
        skin=rng.choice(SKIN_TONES),
        hair=rng.choice(HAIR_COLOURS),
        outfit=hsv(hue, 0.55 + rng.random() * 0.3, 0.55 + rng.random() * 0.3),
        trim=hsv(hue + 0.5 + rng.uniform(-0.08, 0.08), 0.35 + rng.random() * 0.3, 0.35),
        accent=hsv(hue + rng.choice((0.33, 0.5, 0.66)), 0.8, 0.95),
        backdrop=hsv(hue + 0.5, 0.18 + rng.random() * 0.15, 0.9),
        ink=(34, 30, 40),
        hair_style=rng.randrange(4),
    )


class Pace:
    """The local providers' stand-in for a remote model's latency: `steps(n)` waits n steps
    of `GENQUEUE_LOCAL_STEP_SECONDS`."""

    def __init__(self, step_seconds: float) -> None:
        self.step_seconds = step_seconds

    async def steps(self, count: int) -> None:
        await asyncio.sleep(self.step_seconds * count)
