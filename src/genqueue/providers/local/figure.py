"""A placeholder character drawn in 3-D: joints rotated by the camera's yaw, projected, and
painted back to front, so every angle shows the same figure truly turned.

Units are head heights; `Frame` says where the figure stands on the canvas and how many
pixels a head height is, which is how a lens frames it (full body, knees up, portrait).
"""

from __future__ import annotations

from functools import partial

from PIL import ImageDraw

from genqueue.providers.local.drawing import font
from genqueue.providers.local.faces import HeadPainter
from genqueue.providers.local.poses import Limb, Pose, Vec
from genqueue.providers.local.projection import (
    FIGURE_HEIGHT,
    HIP_X,
    HIP_Y,
    SEAT_DROP,
    SHOULDER_X,
    SHOULDER_Y,
    Painter,
    Point,
    Projector,
)
from genqueue.providers.local.seeding import RGB, Palette, mix, shade


def _add(a: Vec, b: Vec) -> Vec:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


def _segment(
    draw: ImageDraw.ImageDraw, a: Point, b: Point, width: float, fill: RGB, ink: RGB
) -> None:
    outline = width + max(2.0, width * 0.14)
    for w, colour in ((outline, ink), (width, fill)):
        draw.line([a, b], fill=colour, width=round(w))
        for x, y in (a, b):
            r = w / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _disc(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], fill: RGB, ink: RGB
) -> None:
    draw.ellipse(box, fill=fill, outline=ink, width=3)


class FigurePainter:
    """Collects the figure's parts with their depth, then paints them far to near."""

    def __init__(self, projector: Projector, palette: Palette, pose: Pose, initial: str) -> None:
        self.p = projector
        self.palette = palette
        self.pose = pose
        self.initial = initial
        self.parts: list[tuple[float, Painter]] = []

    def paint(self, draw: ImageDraw.ImageDraw) -> None:
        self._legs()
        self._torso()
        self._arms()
        self._head()
        for _, painter in sorted(self.parts, key=lambda part: part[0]):
            painter(draw)

    def _limb(
        self,
        root: Vec,
        limb: Limb,
        widths: tuple[float, float],
        colours: tuple[RGB, RGB],
        bias: float,
    ) -> Vec:
        middle = _add(root, limb.middle)
        end = _add(middle, limb.end)
        ink = self.palette.ink
        for (a, b), width, colour in zip(
            ((root, middle), (middle, end)), widths, colours, strict=True
        ):
            depth = (self.p.depth(a) + self.p.depth(b)) / 2 + bias
            pa, pb, w = self.p.point(a), self.p.point(b), self.p.size(width)
            painter = partial(_segment, a=pa, b=pb, width=w, fill=colour, ink=ink)
            self.parts.append((depth, painter))
        return end

    def _legs(self) -> None:
        pal = self.palette
        for side, leg in ((1.0, self.pose.left_leg), (-1.0, self.pose.right_leg)):
            hip = (side * HIP_X, HIP_Y, 0.0)
            foot = self._limb(hip, leg, (0.46, 0.4), (pal.trim, shade(pal.trim, 0.9)), -0.3)
            self._foot(foot)

    def _foot(self, ankle: Vec) -> None:
        tip = _add(ankle, (0.0, 0.08, 0.38))
        a, b = self.p.point(ankle), self.p.point(tip)
        r = self.p.size(0.16)
        depth = self.p.depth(tip) - 0.25
        box = (
            min(a[0], b[0]) - r,
            min(a[1], b[1]) - r * 0.6,
            max(a[0], b[0]) + r,
            max(a[1], b[1]) + r * 0.7,
        )
        shoe = shade(self.palette.ink, 1.6)
        self.parts.append(
            (depth, lambda d: d.ellipse(box, fill=shoe, outline=self.palette.ink, width=3))
        )

    def _torso(self) -> None:
        c, s = abs(self.p.cos), abs(self.p.sin)
        top_half, hip_half = max(SHOULDER_X * c, 0.5 * s) * 0.98, max(0.72 * c, 0.46 * s)
        y_top, y_hip = SHOULDER_Y - 0.12, HIP_Y + 0.15
        corners = [(-top_half, y_top), (top_half, y_top), (hip_half, y_hip), (-hip_half, y_hip)]
        outline = [self._flat(x, y) for x, y in corners]
        belt = [
            self._flat(x * 1.01, y)
            for x, y in ((-hip_half, 3.05), (hip_half, 3.05), (hip_half, 3.3), (-hip_half, 3.3))
        ]
        pal = self.palette

        def torso(d: ImageDraw.ImageDraw) -> None:
            d.polygon(outline, fill=pal.outfit, outline=pal.ink, width=4)
            d.polygon(belt, fill=pal.trim, outline=pal.ink, width=3)
            for side in (1.0, -1.0):
                x, y = self.p.point((side * SHOULDER_X * 0.92, SHOULDER_Y, 0.0))
                r = self.p.size(0.24)
                d.ellipse((x - r, y - r, x + r, y + r), fill=pal.outfit)

        self.parts.append((-0.05, torso))
        self._chest()
        if self.pose.seated:
            self._seat()

    def _flat(self, lateral: float, y: float) -> Point:
        """A point on the torso's silhouette, which stays centred whatever the yaw."""
        x, py = self.p.point((0.0, y, 0.0))
        return x + self.p.size(lateral), py

    def _chest(self) -> None:
        if self.p.cos < 0.25:
            return
        centre = (0.0, 2.15, 0.45)
        x, y = self.p.point(centre)
        rx, ry = self.p.size(0.34) * self.p.cos, self.p.size(0.34)
        pal = self.palette

        def emblem(d: ImageDraw.ImageDraw) -> None:
            d.ellipse((x - rx, y - ry, x + rx, y + ry), fill=pal.accent, outline=pal.ink, width=3)
            if self.p.cos > 0.6 and self.initial:
                d.text(
                    (x, y),
                    self.initial,
                    font=font(round(ry * 1.2), True),
                    fill=pal.ink,
                    anchor="mm",
                )

        self.parts.append((0.4, emblem))

    def _seat(self) -> None:
        a = self.p.point((-0.9, HIP_Y + 0.45, -0.6))
        b = self.p.point((0.9, HIP_Y + 0.45, 0.6))
        top, bottom = min(a[1], b[1]), self.p.point((0.0, FIGURE_HEIGHT - SEAT_DROP, 0.0))[1]
        left, right = min(a[0], b[0]) - self.p.size(0.3), max(a[0], b[0]) + self.p.size(0.3)
        wood = mix(self.palette.trim, (150, 110, 70), 0.6)
        self.parts.append(
            (
                -0.9,
                lambda d: d.rectangle(
                    (left, top, right, bottom), fill=wood, outline=self.palette.ink, width=4
                ),
            )
        )

    def _arms(self) -> None:
        pal = self.palette
        for side, arm in ((1.0, self.pose.left_arm), (-1.0, self.pose.right_arm)):
            shoulder = (side * SHOULDER_X, SHOULDER_Y, 0.0)
            hand = self._limb(
                shoulder, arm, (0.34, 0.3), (pal.outfit, shade(pal.outfit, 1.15)), 0.05
            )
            x, y = self.p.point(hand)
            r = self.p.size(0.19)
            depth = self.p.depth(hand) + 0.06
            box = (x - r, y - r, x + r, y + r)
            self.parts.append((depth, partial(_disc, box=box, fill=pal.skin, ink=pal.ink)))

    def _head(self) -> None:
        HeadPainter(self.p, self.palette, self.parts).add()
