"""The figure's camera: joints in head-height units, rotated by the view's yaw and
projected onto the canvas (a high or low camera widens the top or the bottom)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import ImageDraw

from genqueue.providers.local.poses import Vec, View

HEAD: Vec = (0.0, 0.55, 0.0)
HEAD_RX, HEAD_RY = 0.46, 0.56
SHOULDER_Y, HIP_Y = 1.45, 3.35
SHOULDER_X, HIP_X = 0.95, 0.5
SEAT_DROP = 1.4
FIGURE_HEIGHT = 6.5
Point = tuple[float, float]
Painter = Callable[[ImageDraw.ImageDraw], None]
Part = tuple[float, Painter]
"""A thing to paint and its depth (larger is nearer the camera)."""


@dataclass(frozen=True, slots=True)
class Frame:
    centre_x: float
    top: float
    unit: float
    """Pixels per head height."""


class Projector:
    def __init__(self, frame: Frame, view: View, drop: float) -> None:
        self.frame = frame
        self.cos = math.cos(view.yaw)
        self.sin = math.sin(view.yaw)
        self.pitch = view.pitch
        self.drop = drop

    def depth(self, p: Vec) -> float:
        return -p[0] * self.sin + p[2] * self.cos

    def point(self, p: Vec) -> Point:
        x, y, z = p
        y += self.drop
        lateral = x * self.cos + z * self.sin
        widen = 1.0 + self.pitch * 0.14 * (1.0 - y / HIP_Y)
        bend = y * (1.0 - self.pitch * 0.05 * y / FIGURE_HEIGHT)
        f = self.frame
        return f.centre_x + lateral * widen * f.unit, f.top + bend * f.unit

    def size(self, value: float) -> float:
        return value * self.frame.unit
