"""The pose catalogue: the poses a character's images and videos can be made in.

Data, not code: a pose's `prompt` is what the image and motion prompts say about it, so a
new pose is one more entry here. `GET /api/v1/poses` lists them; an unknown `poseId` in a
request is refused before anything is queued.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_POSE_ID = "standing"
"""The pose of a character's master reference image."""


@dataclass(frozen=True, slots=True)
class Pose:
    id: str
    name: str
    category: str
    prompt: str
    """How the pose is described to an image or video model."""

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "category": self.category, "prompt": self.prompt}


POSES: tuple[Pose, ...] = (
    Pose("standing", "Standing", "neutral", "standing upright, arms relaxed, facing the viewer"),
    Pose("waving", "Waving", "greeting", "standing and waving one raised hand in greeting"),
    Pose("pointing", "Pointing", "gesture", "pointing ahead with an outstretched arm"),
    Pose("hands_on_hips", "Hands on hips", "expression", "a confident hero stance, fists on hips"),
    Pose("arms_crossed", "Arms crossed", "expression", "standing with arms folded, unimpressed"),
    Pose("thinking", "Thinking", "expression", "a hand on the chin, looking up in thought"),
    Pose("walking", "Walking", "motion", "walking forward mid-stride, arms swinging"),
    Pose("running", "Running", "motion", "running fast, leaning forward, one foot off the ground"),
    Pose("jumping", "Jumping", "motion", "jumping in the air with both knees bent, arms up"),
    Pose("celebrating", "Celebrating", "expression", "leaping with both fists raised high"),
    Pose("fighting", "Fighting stance", "action", "knees bent, fists up in a guard"),
    Pose("dancing", "Dancing", "motion", "dancing with one leg lifted and arms spread wide"),
    Pose("sitting", "Sitting", "rest", "sitting on the ground, hands on the knees"),
)

POSES_BY_ID: dict[str, Pose] = {pose.id: pose for pose in POSES}


class UnknownPose(ValueError):
    def __init__(self, pose_id: str) -> None:
        super().__init__(f"unknown poseId {pose_id!r}: GET /api/v1/poses lists the poses")
        self.pose_id = pose_id


def pose_named(pose_id: str) -> Pose:
    """The pose, or `UnknownPose` (a ValueError, so a submission answers 422)."""
    try:
        return POSES_BY_ID[pose_id]
    except KeyError:
        raise UnknownPose(pose_id) from None
