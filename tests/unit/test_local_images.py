"""The local image provider: valid PNGs, a different picture per angle and pose, the
same bytes for the same spec, and quality scores that depend only on (seed, angle,
lens, attempt)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageStat

from genqueue.providers.base import CharacterSketch, FinalProviderError, ImageSpec
from genqueue.providers.local.images import LocalImages, render_character, shot_quality
from genqueue.providers.local.poses import POSES, pose_named, view_of
from genqueue.providers.local.seeding import Pace

ARIA = CharacterSketch(seed="character-aria", name="Aria Moon", description="a moon sailor")
ANGLES = (
    "front",
    "front_left",
    "left_profile",
    "back_left",
    "back",
    "back_right",
    "right_profile",
    "front_right",
)


def spec(**changes: object) -> ImageSpec:
    values: dict[str, object] = {"prompt": "", "seed": "character-aria", "character": ARIA}
    values.update(changes)
    return ImageSpec(**values)  # type: ignore[arg-type]


def picture(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def difference(a: bytes, b: bytes) -> float:
    """Mean absolute difference per channel, 0–255."""
    diff = ImageChops.difference(picture(a).convert("RGB"), picture(b).convert("RGB"))
    return sum(ImageStat.Stat(diff).mean) / 3


async def test_generate_returns_a_png_of_the_asked_size() -> None:
    images = LocalImages(Pace(0.0))
    made = await images.generate(spec(angle="front", lens="85mm", width=640, height=480))
    assert made.content_type == "image/png"
    assert made.data.startswith(b"\x89PNG\r\n\x1a\n")
    image = picture(made.data)
    assert image.format == "PNG"
    assert image.size == (640, 480) == (made.width, made.height)
    assert 0 <= made.quality <= 100


def test_the_same_spec_gives_the_same_bytes() -> None:
    assert render_character(spec(angle="back", pose="waving")) == render_character(
        spec(angle="back", pose="waving")
    )


def test_every_angle_is_a_different_picture() -> None:
    renders = {
        angle: render_character(spec(angle=angle, width=256, height=256)) for angle in ANGLES
    }
    for i, first in enumerate(ANGLES):
        for second in ANGLES[i + 1 :]:
            assert difference(renders[first], renders[second]) > 0.5, (first, second)


def test_lenses_frame_the_figure_differently() -> None:
    full, portrait = (
        render_character(spec(lens=lens, width=256, height=256)) for lens in ("35mm", "85mm")
    )
    assert difference(full, portrait) > 5


def test_poses_and_characters_change_the_picture() -> None:
    standing = render_character(spec(pose="standing", width=256, height=256))
    assert difference(standing, render_character(spec(pose="jumping", width=256, height=256))) > 1
    other = CharacterSketch(seed="character-bram", name="Bram")
    bram = render_character(spec(seed="character-bram", character=other, width=256, height=256))
    assert difference(standing, bram) > 3


def test_the_picture_is_not_a_flat_colour() -> None:
    image = picture(render_character(spec(width=256, height=256))).convert("RGB")
    colours = image.getcolors(maxcolors=256 * 256)
    assert colours is None or len(colours) > 50


def test_quality_is_a_function_of_seed_angle_lens_and_attempt() -> None:
    first = shot_quality("seed", "front", "85mm", 1)
    assert first == shot_quality("seed", "front", "85mm", 1)
    scores = {
        shot_quality("seed", angle, lens, attempt)
        for angle in ANGLES
        for lens in ("35mm", "85mm")
        for attempt in (1, 2, 3)
    }
    assert len(scores) > 30
    assert all(0 <= score <= 100 for score in scores)
    assert min(scores) < 70 < max(scores)


def test_a_high_threshold_fails_some_shots_and_retries_rescue_others() -> None:
    threshold = 80
    shots = [(angle, lens) for angle in ANGLES for lens in ("35mm", "50mm", "85mm")]
    never = [s for s in shots if all(shot_quality("c", *s, n) < threshold for n in (1, 2, 3, 4))]
    rescued = [
        s
        for s in shots
        if shot_quality("c", *s, 1) < threshold <= max(shot_quality("c", *s, n) for n in (2, 3, 4))
    ]
    assert never, "a high threshold should leave some shots failed"
    assert rescued, "a retry should lift some shots over the threshold"


async def test_generate_reports_the_quality_of_its_attempt() -> None:
    images = LocalImages(Pace(0.0))
    made = await images.generate(
        spec(angle="left_profile", lens="50mm", attempt=2, width=128, height=128)
    )
    assert made.quality == shot_quality("character-aria", "left_profile", "50mm", 2)


@pytest.mark.parametrize("pose_id", ["waving-hello", "SITTING_ON_A_BENCH", "mystery-pose-42", None])
def test_every_pose_id_has_a_pose(pose_id: str | None) -> None:
    name, pose = pose_named(pose_id)
    assert POSES[name] is pose
    assert pose_named(pose_id) == (name, pose)


def test_angles_are_read_from_their_names() -> None:
    assert view_of("front").yaw == 0
    assert view_of("left_profile").yaw < 0 < view_of("right_profile").yaw
    assert abs(view_of("back").yaw) > 3
    assert view_of("high_front").pitch == 1
    assert view_of("low_angle_front").pitch == -1
    assert view_of("something") == view_of("something")


async def test_a_tiny_canvas_is_refused_and_a_huge_one_capped() -> None:
    images = LocalImages(Pace(0.0))
    with pytest.raises(FinalProviderError):
        await images.generate(spec(width=8, height=8))
    made = await images.generate(spec(width=4000, height=100))
    assert (made.width, made.height) == (2048, 100) == picture(made.data).size
