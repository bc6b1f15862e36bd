"""The figure's head: neck, hair (four silhouettes), ears and a face whose features turn
with the head and vanish when they face away from the camera."""

from __future__ import annotations

import math

from PIL import ImageDraw

from genqueue.providers.local.poses import Vec
from genqueue.providers.local.projection import HEAD, HEAD_RX, HEAD_RY, Part, Projector
from genqueue.providers.local.seeding import Palette, mix, shade

Box = tuple[float, float, float, float]


class HeadPainter:
    def __init__(self, projector: Projector, palette: Palette, parts: list[Part]) -> None:
        self.p = projector
        self.pal = palette
        self.parts = parts
        self.centre = projector.point(HEAD)
        self.depth = projector.depth(HEAD) + 0.6

    def box(self, rx: float, ry: float, dx: float = 0.0, dy: float = 0.0) -> Box:
        x, y = self.centre
        x, y = x + self.p.size(dx), y + self.p.size(dy)
        return x - self.p.size(rx), y - self.p.size(ry), x + self.p.size(rx), y + self.p.size(ry)

    def add(self) -> None:
        self._neck()
        self._back_hair()
        self.parts.append((self.depth, self._skull))
        self._features()
        self.parts.append((self.depth + 0.3, self._front_hair))

    def _neck(self) -> None:
        a, b = self.p.point((0.0, 0.9, 0.0)), self.p.point((0.0, 1.45, 0.0))
        w = self.p.size(0.34)
        box = (a[0] - w / 2, a[1], b[0] + w / 2, b[1])
        skin, ink = shade(self.pal.skin, 0.88), self.pal.ink
        self.parts.append((0.1, lambda d: d.rectangle(box, fill=skin, outline=ink, width=3)))

    def _back_hair(self) -> None:
        style, hair, ink = self.pal.hair_style, self.pal.hair, self.pal.ink
        back = -0.5 * self.p.cos + self.p.depth(HEAD)
        if style == 1:
            top = self.box(0.56, 0.6, 0.0, -0.02)
            bottom = self.p.point((0.0, 1.95, -0.3))[1]
            box = (top[0], self.centre[1], top[2], bottom)

            def long(d: ImageDraw.ImageDraw) -> None:
                d.rounded_rectangle(box, radius=self.p.size(0.3), fill=hair, outline=ink, width=3)
                d.ellipse(top, fill=hair, outline=ink, width=3)

            self.parts.append((back, long))
        elif style == 2:
            bun = self.p.point(_add(HEAD, (0.0, -0.45, -0.42)))
            r = self.p.size(0.26)
            box = (bun[0] - r, bun[1] - r, bun[0] + r, bun[1] + r)
            depth = self.p.depth(_add(HEAD, (0.0, 0.0, -0.5))) + 0.6
            self.parts.append((depth, lambda d: d.ellipse(box, fill=hair, outline=ink, width=3)))
        outline_box = self.box(HEAD_RX + 0.05, HEAD_RY + 0.04, 0.0, -0.04)
        self.parts.append(
            (self.depth - 0.05, lambda d: d.ellipse(outline_box, fill=hair, outline=ink, width=3))
        )

    def _skull(self, d: ImageDraw.ImageDraw) -> None:
        d.ellipse(self.box(HEAD_RX, HEAD_RY), fill=self.pal.skin, outline=self.pal.ink, width=4)
        for side in (1.0, -1.0):
            normal = (side, 0.0, 0.0)
            facing = self.p.depth(normal)
            if facing < -0.25:
                continue
            x, y = self.p.point(_add(HEAD, (side * HEAD_RX, 0.05, 0.0)))
            rx, ry = self.p.size(0.07 + 0.06 * abs(self.p.sin)), self.p.size(0.13)
            d.ellipse(
                (x - rx, y - ry, x + rx, y + ry),
                fill=shade(self.pal.skin, 0.92),
                outline=self.pal.ink,
                width=3,
            )

    def _features(self) -> None:
        for side in (1.0, -1.0):
            self._eye(side)
            self._cheek(side)
        self._nose()
        self._mouth()

    def _visible(self, normal: Vec) -> float:
        return self.p.depth(normal)

    def _eye(self, side: float) -> None:
        normal = (side * 0.38, 0.0, 0.92)
        facing = self._visible(normal)
        if facing < 0.2:
            return
        x, y = self.p.point(_add(HEAD, (side * 0.18, 0.02, 0.42)))
        rx, ry = self.p.size(0.1) * facing, self.p.size(0.085)
        look = self.p.size(0.035) * self.p.sin
        pupil = self.p.size(0.05)
        ink = self.pal.ink

        def eye(d: ImageDraw.ImageDraw) -> None:
            d.ellipse((x - rx, y - ry, x + rx, y + ry), fill=(250, 250, 250), outline=ink, width=2)
            px = x + look
            d.ellipse((px - pupil * facing, y - pupil, px + pupil * facing, y + pupil), fill=ink)
            brow = self.p.size(0.13)
            d.line(
                [(x - rx, y - brow), (x + rx, y - brow - self.p.size(0.02))],
                fill=shade(self.pal.hair, 0.7),
                width=max(2, round(ry / 3)),
            )

        self.parts.append((self.depth + 0.1, eye))

    def _cheek(self, side: float) -> None:
        facing = self._visible((side * 0.6, 0.0, 0.8))
        if facing < 0.3:
            return
        x, y = self.p.point(_add(HEAD, (side * 0.28, 0.22, 0.34)))
        rx, ry = self.p.size(0.08) * facing, self.p.size(0.05)
        blush = mix(self.pal.skin, (235, 110, 120), 0.35)
        self.parts.append(
            (self.depth + 0.08, lambda d: d.ellipse((x - rx, y - ry, x + rx, y + ry), fill=blush))
        )

    def _nose(self) -> None:
        if self._visible((0.0, 0.0, 1.0)) < -0.3:
            return
        x, y = self.p.point(_add(HEAD, (0.0, 0.15, 0.52)))
        r = self.p.size(0.06)
        colour, ink = shade(self.pal.skin, 0.82), self.pal.ink
        self.parts.append(
            (
                self.depth + 0.12,
                lambda d: d.ellipse(
                    (x - r, y - r, x + r, y + r), fill=colour, outline=ink, width=2
                ),
            )
        )

    def _mouth(self) -> None:
        facing = self._visible((0.0, -0.2, 0.98))
        if facing < 0.15:
            return
        x, y = self.p.point(_add(HEAD, (0.0, 0.32, 0.42)))
        rx, ry = self.p.size(0.14) * facing, self.p.size(0.07)
        box = (x - rx, y - ry, x + rx, y + ry)
        ink = self.pal.ink
        self.parts.append(
            (
                self.depth + 0.12,
                lambda d: d.arc(box, 20, 160, fill=ink, width=max(2, round(ry / 2))),
            )
        )

    def _front_hair(self, d: ImageDraw.ImageDraw) -> None:
        hair, ink = self.pal.hair, self.pal.ink
        level = -0.25 + max(0.0, -self.p.cos) * 1.0
        bend = math.degrees(math.asin(max(-0.95, min(0.95, level))))
        box = self.box(HEAD_RX + 0.06, HEAD_RY + 0.05, 0.0, -0.05)
        d.chord(box, 180 - bend, 360 + bend, fill=hair, outline=ink, width=3)
        if abs(self.p.sin) > 0.85:
            back = self.box(0.24, 0.4, -self.p.sin * 0.25, -0.1)
            d.ellipse(back, fill=hair)
        if self.pal.hair_style == 3:
            self._spikes(d)

    def _spikes(self, d: ImageDraw.ImageDraw) -> None:
        x0, y0, x1, _ = self.box(HEAD_RX + 0.06, HEAD_RY + 0.05, 0.0, -0.05)
        cx = (x0 + x1) / 2
        width = x1 - x0
        for i in range(5):
            base = x0 + width * (0.1 + 0.2 * i)
            tip = (cx + (base - cx) * 1.35, y0 - self.p.size(0.22 + 0.08 * (i % 2)))
            pts = [
                (base - width * 0.1, y0 + self.p.size(0.2)),
                tip,
                (base + width * 0.1, y0 + self.p.size(0.2)),
            ]
            d.polygon(pts, fill=self.pal.hair, outline=self.pal.ink)


def _add(a: Vec, b: Vec) -> Vec:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]
