"""The character platform's job data: checked once, and the same after a resubmission."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from genqueue.apps.characters.poses import POSES, pose_named
from genqueue.apps.characters.requests import (
    validate_character,
    validate_image,
    validate_video,
)


def test_other_fields_are_kept_as_attributes_and_a_resubmission_keeps_them() -> None:
    first = validate_character({"name": "  Aria ", "age": 9, "traits": ["brave"]})
    assert first["name"] == "Aria"
    assert first["attributes"] == {"age": 9, "traits": ["brave"]}
    assert validate_character(first) == first
    merged = validate_character({"name": "A", "attributes": {"age": 1}, "hobby": "kites"})
    assert merged["attributes"] == {"age": 1, "hobby": "kites"}


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "A", "poseId": "moonwalk"},
        {"name": "A", "attributes": "not a mapping", "extra": 1},
        {"name": "A", **{f"field{n}": n for n in range(51)}},
        {"name": "A", "notes": "x" * 20_000},
        {"name": "bad \ud800 text"},
    ],
)
def test_a_bad_character_is_refused(data: object) -> None:
    with pytest.raises(ValidationError):
        validate_character(data)


def test_media_jobs_take_known_poses_and_the_seed_durations_and_resolutions() -> None:
    assert validate_image({"characterId": "c1"}) == {"characterId": "c1", "poseId": None}
    video = validate_video({"characterId": "c1", "mediaId": "m1", "duration": 8})
    assert video["resolution"] == "720p"
    assert validate_video(video) == video
    for bad in (
        {"duration": 6},
        {"duration": "5"},
        {"duration": True},
        {"duration": 5, "resolution": "4k"},
        {"duration": 5, "poseId": "moonwalk"},
        {"duration": 5, "fps": 30},
    ):
        with pytest.raises(ValidationError):
            validate_video({"characterId": "c1", "mediaId": "m1", **bad})
    with pytest.raises(ValidationError):
        validate_image({"characterId": "", "poseId": None})


def test_the_catalogue_has_unique_ids_and_names_its_unknown_poses() -> None:
    assert len({pose.id for pose in POSES}) == len(POSES)
    assert pose_named("waving").name == "Waving"
    with pytest.raises(ValueError, match="GET /api/v1/poses"):
        pose_named("moonwalk")
