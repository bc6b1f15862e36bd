"""The figure's poses and the camera angles, as data.

A pose places the elbows and hands (relative to the shoulders) and the knees and feet
(relative to the hips) in head-height units, x to the figure's left, y down, z towards
the viewer. Pose ids the table does not know are matched by keyword, then by hash, so
every id gives a definite, repeatable pose.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from genqueue.providers.local.seeding import fraction

Vec = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Limb:
    middle: Vec
    """Elbow from shoulder, or knee from hip."""
    end: Vec
    """Hand from elbow, or foot from knee."""


def _flip(limb: Limb) -> Limb:
    (mx, my, mz), (ex, ey, ez) = limb.middle, limb.end
    return Limb((-mx, my, mz), (-ex, ey, ez))


@dataclass(frozen=True, slots=True)
class Pose:
    left_arm: Limb
    right_arm: Limb
    left_leg: Limb
    right_leg: Limb
    lift: float = 0.0
    """How far the whole figure is raised (a jump), in head heights."""
    seated: bool = False


ARM_DOWN = Limb((0.22, 1.22, 0.0), (0.08, 1.12, 0.08))
LEG_STAND = Limb((0.1, 1.55, 0.0), (0.04, 1.5, 0.0))


def _symmetric(arm: Limb, leg: Limb = LEG_STAND, lift: float = 0.0) -> Pose:
    return Pose(arm, _flip(arm), leg, _flip(leg), lift)


POSES: dict[str, Pose] = {
    "standing": _symmetric(ARM_DOWN),
    "waving": Pose(
        Limb((0.95, -0.5, 0.1), (0.2, -1.1, 0.0)), _flip(ARM_DOWN), LEG_STAND, _flip(LEG_STAND)
    ),
    "pointing": Pose(
        Limb((1.2, 0.25, 0.3), (1.1, 0.05, 0.25)), _flip(ARM_DOWN), LEG_STAND, _flip(LEG_STAND)
    ),
    "hands_on_hips": _symmetric(
        Limb((0.75, 0.95, -0.2), (-0.85, 0.9, 0.1)), Limb((0.3, 1.5, 0.0), (0.1, 1.5, 0.0))
    ),
    "arms_crossed": _symmetric(Limb((0.25, 1.0, 0.45), (-1.3, -0.35, 0.25))),
    "thinking": Pose(
        Limb((0.35, 1.1, 0.5), (-0.95, -1.35, 0.3)),
        Limb((-0.2, 1.1, 0.3), (0.9, -0.1, 0.35)),
        LEG_STAND,
        _flip(LEG_STAND),
    ),
    "running": Pose(
        Limb((0.15, 0.9, -0.8), (0.05, 0.6, 0.7)),
        Limb((-0.15, 0.9, 0.8), (-0.05, -0.6, 0.6)),
        Limb((0.05, 1.2, 0.9), (0.0, 1.3, -0.45)),
        Limb((-0.05, 1.4, -0.6), (0.0, 1.1, -0.9)),
        lift=-0.25,
    ),
    "walking": Pose(
        Limb((0.15, 1.15, -0.45), (0.05, 1.05, 0.0)),
        Limb((-0.15, 1.15, 0.45), (-0.05, 1.0, 0.35)),
        Limb((0.08, 1.45, 0.5), (0.0, 1.45, -0.2)),
        Limb((-0.08, 1.5, -0.35), (0.0, 1.4, -0.3)),
    ),
    "jumping": _symmetric(
        Limb((0.7, -1.0, 0.0), (0.45, -1.0, 0.0)), Limb((0.35, 1.2, 0.5), (0.1, 1.2, -0.5)), -1.0
    ),
    "t_pose": _symmetric(Limb((1.25, 0.0, 0.0), (1.15, 0.0, 0.0))),
    "fighting": _symmetric(
        Limb((0.4, 1.0, 0.6), (-0.3, -0.95, 0.5)), Limb((0.45, 1.45, 0.3), (0.25, 1.4, 0.0))
    ),
    "dancing": Pose(
        Limb((0.8, -0.7, 0.0), (-0.3, -0.9, 0.0)),
        Limb((-1.1, 0.4, 0.0), (-1.0, -0.3, 0.0)),
        Limb((0.5, 1.2, 0.4), (0.1, 1.1, -0.3)),
        _flip(LEG_STAND),
    ),
    "sitting": Pose(
        Limb((0.2, 1.1, 0.5), (0.0, 0.4, 0.8)),
        Limb((-0.2, 1.1, 0.5), (0.0, 0.4, 0.8)),
        Limb((0.15, 0.15, 1.5), (0.0, 1.45, 0.1)),
        Limb((-0.15, 0.15, 1.5), (0.0, 1.45, 0.1)),
        seated=True,
    ),
}
POSE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("wav", "waving"),
    ("hello", "waving"),
    ("greet", "waving"),
    ("point", "pointing"),
    ("hip", "hands_on_hips"),
    ("hero", "hands_on_hips"),
    ("confident", "hands_on_hips"),
    ("power", "hands_on_hips"),
    ("cross", "arms_crossed"),
    ("fold", "arms_crossed"),
    ("think", "thinking"),
    ("ponder", "thinking"),
    ("run", "running"),
    ("sprint", "running"),
    ("walk", "walking"),
    ("stroll", "walking"),
    ("jump", "jumping"),
    ("leap", "jumping"),
    ("celebrat", "jumping"),
    ("t-pose", "t_pose"),
    ("t_pose", "t_pose"),
    ("tpose", "t_pose"),
    ("fight", "fighting"),
    ("action", "fighting"),
    ("combat", "fighting"),
    ("guard", "fighting"),
    ("danc", "dancing"),
    ("sit", "sitting"),
    ("seat", "sitting"),
    ("stand", "standing"),
    ("idle", "standing"),
    ("neutral", "standing"),
    ("portrait", "standing"),
)


def pose_named(pose_id: str | None) -> tuple[str, Pose]:
    """The pose for an id: by name, by keyword, else one picked by the id's hash."""
    if not pose_id:
        return "standing", POSES["standing"]
    key = pose_id.lower()
    if key in POSES:
        return key, POSES[key]
    for keyword, name in POSE_KEYWORDS:
        if keyword in key:
            return name, POSES[name]
    names = sorted(POSES)
    name = names[int(fraction("pose", key) * len(names))]
    return name, POSES[name]


@dataclass(frozen=True, slots=True)
class View:
    yaw: float
    """Radians; 0 faces the camera, ±π shows the back, negative turns the nose to the left."""
    pitch: int
    """-1 a low camera, 0 eye level, 1 a high camera."""


ANGLE_WORDS: tuple[tuple[str, float], ...] = (
    ("back_left", -135.0),
    ("rear_left", -135.0),
    ("back_right", 135.0),
    ("rear_right", 135.0),
    ("front_left", -45.0),
    ("three_quarter_left", -45.0),
    ("quarter_left", -45.0),
    ("front_right", 45.0),
    ("three_quarter_right", 45.0),
    ("quarter_right", 45.0),
    ("left", -90.0),
    ("right", 90.0),
    ("back", 180.0),
    ("rear", 180.0),
    ("front", 0.0),
)


def view_of(angle: str | None) -> View:
    """`front`, `left_profile`, `back_right`, `three_quarter_left`, `yaw_135`, `high_front`…"""
    text = (angle or "front").lower().replace("-", "_").replace(" ", "_")
    pitch = 1 if re.search(r"high|top|overhead|bird", text) else 0
    pitch = -1 if re.search(r"low|worm|below", text) else pitch
    number = re.search(r"(\d{1,3})", text)
    degrees: float | None = None
    for word, value in ANGLE_WORDS:
        if word in text:
            degrees = value
            break
    if degrees is None and number is not None and "mm" not in text:
        degrees = float(number.group(1)) * (-1 if "left" in text else 1)
    if degrees is None:
        degrees = (int(fraction("angle", text) * 8) - 3) * 45.0
    return View(math.radians(degrees), pitch)
