"""Seed 002's shot list, request checks, results and estimates (timing records on SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from genqueue.apps.library360.estimates import (
    TIMING_WINDOW,
    recent_shot_seconds,
    record_shot_times,
    remaining_seconds,
    shot_seconds,
    timing_ids_of,
)
from genqueue.apps.library360.requests import (
    validate_360_set,
    validate_core_set,
    validate_single_image,
)
from genqueue.apps.library360.results import job_results, set_results, shot_records
from genqueue.apps.library360.shots import CORE_SET, CORE_SET_SIZE, SHOT_NAMES, SHOTS, shot_named
from genqueue.engine.job import Job, JobState
from genqueue.stores import open_store


def test_the_shot_list_is_nine_angles_by_three_lenses_core_first() -> None:
    assert len(SHOTS) == 27
    assert len(set(SHOT_NAMES)) == 27
    assert {s.lens.name for s in SHOTS} == {"35mm", "50mm", "85mm"}
    assert len({s.angle.name for s in SHOTS}) == 9
    assert "front_85mm" in SHOT_NAMES
    assert SHOTS[:CORE_SET_SIZE] == CORE_SET
    assert SHOT_NAMES[0] == "front_50mm"
    assert shot_named("back_35mm").describe().startswith("back view")
    with pytest.raises(ValueError, match="unknown shot"):
        shot_named("front_99mm")


def test_each_type_queues_one_normal_form_that_resubmits_unchanged() -> None:
    full = validate_360_set({"characterId": "c1"})
    assert full == {
        "characterId": "c1",
        "style": "character_production",
        "qualityThreshold": 80,
        "maxRetries": 3,
        "shots": list(SHOT_NAMES),
    }
    some = validate_360_set({"characterId": "c1", "imageCount": 5, "qualityThreshold": 92.5})
    assert some["shots"] == list(SHOT_NAMES[:5])
    assert some["qualityThreshold"] == 92.5
    core = validate_core_set({"characterId": "c1", "maxRetries": 0})
    assert core["shots"] == list(SHOT_NAMES[:CORE_SET_SIZE])
    single = validate_single_image({"characterId": "c1", "shot": "back_85mm"})
    assert single["shots"] == ["back_85mm"]
    for validate, data in (
        (validate_360_set, some),
        (validate_core_set, core),
        (validate_single_image, single),
    ):
        assert validate(data) == data


@pytest.mark.parametrize(
    ("validate", "data", "problem"),
    [
        (validate_360_set, {}, "characterId: Field required"),
        (validate_360_set, {"characterId": "c", "imageCount": 28}, "imageCount"),
        (validate_360_set, {"characterId": "c", "maxRetries": 11}, "maxRetries"),
        (validate_360_set, {"characterId": "c", "qualityThreshold": 100.5}, "qualityThreshold"),
        (validate_360_set, {"characterId": "c", "style": "Studio Light"}, "style"),
        (validate_360_set, {"characterId": "c", "extra": 1}, "extra: Extra inputs"),
        (validate_360_set, {"characterId": "c", "shots": ["x"]}, "unknown shot 'x'"),
        (validate_core_set, {"characterId": "c", "imageCount": 9}, "imageCount"),
        (validate_core_set, {"characterId": "c", "shots": ["back_35mm"]}, "not shots of this"),
        (validate_single_image, {"characterId": "c"}, "give the shot to make"),
        (validate_single_image, {"characterId": "c", "shot": "top_1mm"}, "unknown shot"),
        (validate_360_set, None, "characterId"),
        (validate_360_set, [1], "data"),
    ],
)
def test_bad_job_data_names_what_is_wrong(validate: Any, data: Any, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        validate(data)


def _generated(angle: str, attempts: int = 1, ms: int = 100) -> dict[str, Any]:
    return {
        "status": "generated",
        "url": f"/assets/{angle}.png",
        "angle": angle,
        "quality": 90,
        "dinoAssetId": f"key/{angle}",
        "mediaId": f"m-{angle}",
        "attempts": attempts,
        "durationMs": ms,
    }


def _failed(angle: str, attempts: int = 4, ms: int = 400) -> dict[str, Any]:
    return {
        "status": "failed",
        "angle": angle,
        "reason": "quality 70 stayed under the threshold 95 after 4 attempts",
        "attempts": attempts,
        "bestQuality": 70,
        "retryRecommendation": "Submit a single-image job",
        "durationMs": ms,
    }


def _job(state: JobState, partials: list[Any], shots: int = 3, result: Any = None) -> Job:
    return Job(
        id="j1",
        queue="image-generation",
        type="360-set",
        owner="alice",
        state=state,
        data={
            "characterId": "c1",
            "qualityThreshold": 80,
            "maxRetries": 3,
            "shots": list(SHOT_NAMES[:shots]),
        },
        partial_results=partials,
        result=result,
    )


def test_results_take_seed_002_fields_from_the_shot_records() -> None:
    records = shot_records([_generated("front_50mm"), "not a record", _failed("front_85mm")])
    results = set_results(records, 1234)
    assert results == {
        "generatedImages": [
            {
                "url": "/assets/front_50mm.png",
                "angle": "front_50mm",
                "quality": 90,
                "dinoAssetId": "key/front_50mm",
                "mediaId": "m-front_50mm",
            }
        ],
        "failedImages": [
            {
                "angle": "front_85mm",
                "reason": "quality 70 stayed under the threshold 95 after 4 attempts",
                "attempts": 4,
                "bestQuality": 70,
                "retryRecommendation": "Submit a single-image job",
            }
        ],
        "totalAttempts": 5,
        "processingTime": 1234,
    }


def test_a_set_stopped_part_way_shows_what_its_shots_made() -> None:
    cancelled = _job(JobState.CANCELLED, [_generated("front_50mm", ms=250)])
    results = job_results(cancelled)
    assert [i["angle"] for i in results["generatedImages"]] == ["front_50mm"]
    assert results["processingTime"] == 250
    assert job_results(_job(JobState.ACTIVE, [_generated("front_50mm")])) is None
    assert job_results(_job(JobState.COMPLETED, [], result={"x": 1})) == {"x": 1}


def test_remaining_time_is_shots_left_times_the_measured_mean_shot() -> None:
    waiting = _job(JobState.PENDING, [], shots=10)
    assert remaining_seconds(waiting, [1.0, 3.0], fallback=99.0) == 10 * 2.0
    assert remaining_seconds(waiting, [], fallback=3.0) == 30.0
    running = _job(
        JobState.ACTIVE, [_generated("front_50mm", ms=500), _failed("front_85mm", ms=700)]
    )
    assert shot_seconds(running.partial_results) == [0.5, 0.7]
    assert remaining_seconds(running, [100.0], fallback=99.0) == pytest.approx(0.6)


async def test_completed_sets_record_shot_times_by_threshold_and_retries(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'timing.db'}")
    await store.setup()
    try:
        waiting = _job(JobState.PENDING, [])
        assert timing_ids_of(waiting) == ("threshold-80-retries-3", "every-set")
        assert await recent_shot_seconds(store, timing_ids_of(waiting)) == []
        await record_shot_times(store, 95, 3, [9.0], now=1.0)
        assert await recent_shot_seconds(store, timing_ids_of(waiting)) == [9.0]
        await record_shot_times(store, 80, 3, [1.0, 2.0], now=2.0)
        assert await recent_shot_seconds(store, timing_ids_of(waiting)) == [1.0, 2.0]
        assert await recent_shot_seconds(store, ["every-set"]) == [9.0, 1.0, 2.0]
        await record_shot_times(store, 80, 3, [0.5] * TIMING_WINDOW, now=3.0)
        assert await recent_shot_seconds(store, ["every-set"]) == [0.5] * TIMING_WINDOW
    finally:
        await store.close()
