"""Seed 002 end to end over real HTTP, on SQLite and on Redis: the 360° set as its
document shows it (submit → accepted, poll the status route, read generatedImages,
fetch the PNGs), partial success, cancel mid-set, provider failures, the job listing,
the old synchronous core set, and every validation error."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

import pytest

from genqueue.apps.domain import Character, Media
from genqueue.apps.library360.generation import score
from genqueue.apps.library360.shots import CORE_SET_SIZE, SHOT_NAMES, SHOTS
from tests.api.conftest import Api, StartApi, eventually
from tests.fakes.openai_server import OpenAIServer

from .seed002_support import (
    engine_of,
    fetch_png,
    make_character,
    media_of,
    poll_until,
    shot_scores,
    start_set,
    status,
)

FINAL = {"completed", "failed", "cancelled"}
GENERATED_KEYS = {"url", "angle", "quality", "dinoAssetId", "mediaId"}
FAILED_KEYS = {"angle", "reason", "attempts", "bestQuality", "retryRecommendation"}


def parse_iso(text: str) -> float:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def check_running(seen: list[dict[str, Any]], total: int) -> None:
    """Every status read while the set ran shows the shot being made, as seed 002 does."""
    # a claimed set's first report comes a moment after the claim
    running = [b for b in seen if b["status"] == "processing" and b["progress"]["currentTask"]]
    assert running, "the poll never saw the set running"
    for body in running:
        progress = body["progress"]
        assert progress["total"] == total
        assert progress["percentage"] == round(progress["current"] * 100 / total)
        task = progress["currentTask"]
        if progress["current"] < total:
            assert task == f"Generating {SHOT_NAMES[progress['current']]} shot"
        else:
            assert task == "Completed"  # the last report, before the completion is written
        assert body["message"] == f"Job is processing. {task}"
        assert body["startedAt"].endswith("Z")
        assert parse_iso(body["estimatedCompletionAt"]) >= parse_iso(body["startedAt"])


async def check_saved_shots(
    api: Api, character: Character, job_id: str, generated: list[dict[str, Any]]
) -> dict[str, Media]:
    """Each generated image is the character's Media and a PNG of its own; returns the
    character's media."""
    saved = await media_of(api, character)
    pictures = set()
    for image in generated:
        assert set(image) == GENERATED_KEYS
        assert 0 <= image["quality"] <= 100
        media = saved[image["mediaId"]]
        assert (media.url, media.asset_key, media.angle) == (
            image["url"],
            image["dinoAssetId"],
            image["angle"],
        )
        assert media.job_id == job_id
        assert media.details["lens"] in image["angle"]
        png = await fetch_png(api, image["url"])
        pictures.add(png.tobytes())
    assert len(pictures) == len(generated), "every angle and lens is a different picture"
    return saved


async def test_the_documented_flow_makes_27_shots_saved_as_media(api: Api) -> None:
    character = await make_character(api)
    started = await start_set(
        api,
        character.id,
        style="character_production",
        qualityThreshold=0,
        imageCount=27,
        maxRetries=3,
    )
    job_id = started["jobId"]
    assert started == {
        "success": True,
        "jobId": job_id,
        "status": "accepted",
        "message": "360° image generation job started. Generating 27 images.",
        "estimatedCompletionTime": started["estimatedCompletionTime"],
        "pollUrl": f"/api/v1/jobs/{job_id}/status",
    }
    assert parse_iso(started["estimatedCompletionTime"]) > engine_of(api).clock() - 1
    seen: list[dict[str, Any]] = []
    done = await poll_until(api, job_id, FINAL, seen=seen)
    assert done["status"] == "completed", done
    check_running(seen, total=27)
    assert done["progress"] == {
        "current": 27,
        "total": 27,
        "percentage": 100,
        "currentTask": "Completed",
    }
    assert done["message"] == "Job completed successfully. Generated 27 images."
    assert done["completedAt"] >= done["startedAt"]
    assert done["estimatedCompletionAt"] is None
    assert done["error"] is None
    results = done["results"]
    assert results["failedImages"] == []
    assert results["totalAttempts"] == 27
    assert isinstance(results["processingTime"], int)
    assert results["processingTime"] > 0
    generated = results["generatedImages"]
    assert [image["angle"] for image in generated] == list(SHOT_NAMES)
    saved = await check_saved_shots(api, character, job_id, generated)
    assert len(saved) == 28  # the 27 shots and the master reference


async def test_a_rerun_rewrites_the_same_media_instead_of_adding_copies(
    start_api: StartApi,
) -> None:
    api = await start_api(local_step_seconds=0.1)
    character = await make_character(api)
    job_id = (await start_set(api, character.id, qualityThreshold=0, imageCount=4))["jobId"]

    async def one_shot_done() -> dict[str, Any] | None:
        body = await status(api, job_id)
        return body if (body["progress"]["current"] or 0) >= 1 else None

    await eventually(one_shot_done)
    await api.client.delete(f"/api/v1/jobs/{job_id}/status", headers=api.auth())
    stopped = await poll_until(api, job_id, FINAL)
    assert stopped["status"] == "cancelled"
    first = {i["angle"]: i["mediaId"] for i in stopped["results"]["generatedImages"]}
    assert 1 <= len(first) < 4
    retried = await api.client.post(f"/api/v1/jobs/{job_id}/retry", headers=api.auth())
    assert retried.status_code == 200, retried.text
    again = await poll_until(api, job_id, FINAL)
    assert again["status"] == "completed"
    second = {i["angle"]: i["mediaId"] for i in again["results"]["generatedImages"]}
    assert len(second) == 4
    assert {angle: second[angle] for angle in first} == first
    assert len(await media_of(api, character)) == 4 + 1


async def test_a_high_threshold_gives_deterministic_failed_shots_with_reasons(api: Api) -> None:
    character = await make_character(api, name="Bram Stone")
    shots, retries = SHOTS[:6], 1
    scores = await shot_scores(api, character, shots, retries + 1)
    threshold = sorted(max(q) for q in scores.values())[3]  # about half the shots fail
    job_id = (
        await start_set(
            api, character.id, qualityThreshold=threshold, imageCount=6, maxRetries=retries
        )
    )["jobId"]
    done = await poll_until(api, job_id, FINAL)
    assert done["status"] == "completed", done
    results = done["results"]
    expected_failed = [name for name, q in scores.items() if max(q) < threshold]
    assert expected_failed, "the threshold should fail some shots"
    assert [f["angle"] for f in results["failedImages"]] == expected_failed
    for failed in results["failedImages"]:
        assert set(failed) == FAILED_KEYS
        assert failed["attempts"] == retries + 1
        assert failed["bestQuality"] == score(max(scores[failed["angle"]]))
        assert "under the threshold" in failed["reason"]
        assert failed["angle"] in failed["retryRecommendation"]
    accepted = {image["angle"]: image for image in results["generatedImages"]}
    assert sorted(accepted) == sorted(set(scores) - set(expected_failed))
    attempts = len(expected_failed) * (retries + 1)
    for name, image in accepted.items():
        first_good = next(i for i, q in enumerate(scores[name]) if q >= threshold)
        assert image["quality"] == score(scores[name][first_good])
        attempts += first_good + 1
    assert results["totalAttempts"] == attempts
    assert done["message"] == f"Job completed successfully. Generated {len(accepted)} images."
    assert len(await media_of(api, character)) == len(accepted) + 1


async def test_cancel_mid_set_stops_it_keeps_its_shots_and_refunds(start_api: StartApi) -> None:
    api = await start_api(local_step_seconds=0.1, costs={"360-set": 3})
    character = await make_character(api)
    balance = await api.balance()
    job_id = (await start_set(api, character.id, qualityThreshold=0))["jobId"]
    assert await api.balance() == balance - 3

    async def two_shots_done() -> dict[str, Any] | None:
        body = await status(api, job_id)
        assert body["status"] in {"pending", "processing"}, body
        return body if (body["progress"]["current"] or 0) >= 2 else None

    await eventually(two_shots_done)
    cancelled = await api.client.delete(f"/api/v1/jobs/{job_id}/status", headers=api.auth())
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["jobId"] == job_id
    assert cancelled.json()["status"] in {"processing", "cancelled"}
    done = await poll_until(api, job_id, FINAL)
    assert done["status"] == "cancelled"
    assert done["message"] == "Job was cancelled."
    generated = done["results"]["generatedImages"]
    assert 2 <= len(generated) < 27
    saved = await media_of(api, character)
    assert {image["mediaId"] for image in generated} <= set(saved)
    assert len(saved) == len(generated) + 1
    assert await api.balance() == balance
    again = await api.client.delete(f"/api/v1/jobs/{job_id}/status", headers=api.auth())
    assert again.status_code == 409


async def test_a_failing_provider_is_retried_with_backoff_then_fails_refunded(
    start_api: StartApi, openai_server: OpenAIServer
) -> None:
    api = await start_api(
        provider="openai",
        openai_base_url=f"{openai_server.base_url}/v1",
        openai_api_key=openai_server.api_key,
        costs={"360-set": 5},
    )
    character = await make_character(api)
    balance = await api.balance()
    openai_server.fail_next(1000, 503, path="/v1/images/edits")
    job_id = (await start_set(api, character.id, qualityThreshold=0, imageCount=2))["jobId"]
    assert await api.balance() == balance - 5
    seen: list[dict[str, Any]] = []
    done = await poll_until(api, job_id, FINAL, seen=seen)
    retrying = {b["message"] for b in seen if b["message"].startswith("Job is queued to retry")}
    assert {m.split(")")[0] for m in retrying} == {
        "Job is queued to retry (attempt 2 of 3",
        "Job is queued to retry (attempt 3 of 3",
    }
    assert all("503" in m for m in retrying)
    assert done["status"] == "failed"
    assert done["error"]
    assert "503" in done["error"]
    assert done["message"] == f"Job failed: {done['error']}"
    job = await api.job(job_id)
    assert job["attemptsMade"] == 3
    assert await api.balance() == balance
    assert openai_server.count("/v1/images/edits") >= 3
    assert parse_iso(done["completedAt"]) - parse_iso(done["createdAt"]) >= 2 + 4


async def test_a_provider_hiccup_is_retried_and_the_set_resumes_after_its_made_shots(
    start_api: StartApi, openai_server: OpenAIServer
) -> None:
    api = await start_api(
        provider="openai",
        openai_base_url=f"{openai_server.base_url}/v1",
        openai_api_key=openai_server.api_key,
    )
    character = await make_character(api)
    openai_server.delay = 0.3
    job_id = (await start_set(api, character.id, qualityThreshold=0, imageCount=3))["jobId"]

    async def first_shot_made() -> dict[str, Any] | None:
        job = await api.job(job_id)
        return job if job["partialResults"] else None

    made = (await eventually(first_shot_made))["partialResults"][0]
    openai_server.fail_next(1, 500, path="/v1/images/edits")  # shot 2 or 3 fails once
    done = await poll_until(api, job_id, FINAL)
    assert done["status"] == "completed", done
    job = await api.job(job_id)
    assert job["attemptsMade"] == 2
    assert [p["angle"] for p in job["partialResults"]] == list(SHOT_NAMES[:3])
    assert job["partialResults"][0] == made
    assert len(done["results"]["generatedImages"]) == 3
    # the retry made only the shots still missing: 3 shots + the refused call
    assert openai_server.count("/v1/images/edits") == 3 + 1


async def test_a_refused_request_fails_the_set_at_once(
    start_api: StartApi, openai_server: OpenAIServer
) -> None:
    api = await start_api(
        provider="openai",
        openai_base_url=f"{openai_server.base_url}/v1",
        openai_api_key=openai_server.api_key,
        costs={"360-set": 5},
    )
    character = await make_character(api)
    balance = await api.balance()
    openai_server.fail_next(1, 400, path="/v1/images/edits")
    job_id = (await start_set(api, character.id, qualityThreshold=0, imageCount=2))["jobId"]
    done = await poll_until(api, job_id, FINAL)
    assert done["status"] == "failed"
    assert (await api.job(job_id))["attemptsMade"] == 1
    assert await api.balance() == balance


async def test_the_estimate_comes_from_measured_shot_times(api: Api) -> None:
    character = await make_character(api)
    first = (await start_set(api, character.id, qualityThreshold=0, imageCount=3))["jobId"]
    await poll_until(api, first, FINAL)
    measured = [item["durationMs"] / 1000 for item in (await api.job(first))["partialResults"]]
    assert len(measured) == 3
    submitted_at = engine_of(api).clock()
    started = await start_set(api, character.id, qualityThreshold=0, imageCount=6)
    estimate = parse_iso(started["estimatedCompletionTime"]) - submitted_at
    expected = 6 * statistics.fmean(measured)
    assert 0.5 * expected <= estimate <= 2 * expected + 1, (estimate, expected)
    await poll_until(api, started["jobId"], FINAL)


async def test_the_old_sync_core_set_waits_and_answers_its_results(api: Api) -> None:
    character = await make_character(api)
    response = await api.client.post(
        f"/api/v1/characters/{character.id}/generate-core-set",
        json={"qualityThreshold": 0},
        headers=api.auth(),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "completed"
    assert body["jobType"] == "core-set"
    generated = body["results"]["generatedImages"]
    assert [image["angle"] for image in generated] == list(SHOT_NAMES[:CORE_SET_SIZE])
    assert body["message"] == f"Job completed successfully. Generated {CORE_SET_SIZE} images."
    await fetch_png(api, generated[0]["url"])


async def test_the_sync_core_set_answers_202_when_it_outlasts_the_wait(
    start_api: StartApi,
) -> None:
    api = await start_api(local_step_seconds=0.5)
    character = await make_character(api)
    response = await api.client.post(
        f"/api/v1/characters/{character.id}/generate-core-set?waitSeconds=1",
        json={"qualityThreshold": 0, "imageCount": 2},
        headers=api.auth(),
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "accepted"
    done = await poll_until(api, body["jobId"], FINAL)
    assert done["status"] == "completed"


async def test_a_sync_core_set_that_fails_answers_502(
    start_api: StartApi, openai_server: OpenAIServer
) -> None:
    api = await start_api(
        provider="openai",
        openai_base_url=f"{openai_server.base_url}/v1",
        openai_api_key=openai_server.api_key,
    )
    character = await make_character(api)
    openai_server.fail_next(1, 400, path="/v1/images/edits")
    response = await api.client.post(
        f"/api/v1/characters/{character.id}/generate-core-set",
        json={"imageCount": 1},
        headers=api.auth(),
    )
    assert response.status_code == 502, response.text
    body = response.json()
    assert (body["success"], body["status"]) == (False, "failed")
    assert body["error"]


async def test_listing_filters_by_character_status_type_and_pages(start_api: StartApi) -> None:
    api = await start_api(local_step_seconds=0.1)
    aria = await make_character(api)
    bram = await make_character(api, name="Bram Stone")
    quick = [
        (await start_set(api, aria.id, qualityThreshold=0, imageCount=1))["jobId"] for _ in range(3)
    ]
    single = await api.submit(
        type="single-image", data={"characterId": bram.id, "shot": "back_85mm"}
    )
    assert single.status_code == 202, single.text
    for job_id in quick:
        await poll_until(api, job_id, FINAL)
    await poll_until(api, single.json()["data"]["jobId"], FINAL)
    slow = (await start_set(api, bram.id, qualityThreshold=0))["jobId"]
    await poll_until(api, slow, {"processing"})

    async def listed(**query: Any) -> dict[str, Any]:
        response = await api.client.get("/api/v1/jobs", params=query, headers=api.auth())
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    by_aria = await listed(characterId=aria.id, page=1, limit=2)
    assert by_aria["pagination"]["total"] == 3
    assert len(by_aria["data"]) == 2
    assert by_aria["pagination"]["hasMore"] is True
    page_two = await listed(characterId=aria.id, page=2, limit=2)
    ids = {j["jobId"] for j in by_aria["data"] + page_two["data"]}
    assert ids == set(quick)
    processing = await listed(status="processing", characterId=bram.id)
    assert [j["jobId"] for j in processing["data"]] == [slow]
    singles = await listed(jobType="single-image", status="completed")
    assert [j["tags"]["characterId"] for j in singles["data"]] == [bram.id]
    sets = await listed(jobType="360-set", characterId=bram.id, status="processing,completed")
    assert [j["jobId"] for j in sets["data"]] == [slow]
    for bad in ({"limit": 101}, {"limit": 0}, {"page": 0}, {"status": "running"}):
        response = await api.client.get("/api/v1/jobs", params=bad, headers=api.auth())
        assert response.status_code == 422, (bad, response.text)
    await api.client.delete(f"/api/v1/jobs/{slow}/status", headers=api.auth())
    await poll_until(api, slow, FINAL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"qualityThreshold": 101}, "qualityThreshold"),
        ({"qualityThreshold": -1}, "qualityThreshold"),
        ({"qualityThreshold": "high"}, "qualityThreshold"),
        ({"imageCount": 0}, "imageCount"),
        ({"imageCount": 28}, "imageCount"),
        ({"imageCount": 2.5}, "imageCount"),
        ({"maxRetries": 11}, "maxRetries"),
        ({"maxRetries": -1}, "maxRetries"),
        ({"style": "Bad Style!"}, "style"),
        ({"style": ""}, "style"),
        ({"shots": ["front_99mm"]}, "shots"),
        ({"shots": ["front_50mm", "front_50mm"]}, "shots"),
        ({"shots": ["front_50mm"], "imageCount": 1}, "body"),
        ({"colour": "red"}, "colour"),
        ([1, 2], "body"),
    ],
)
async def test_bad_options_are_422_before_anything_is_queued(
    start_api: StartApi, body: Any, field: str
) -> None:
    api = await start_api(costs={"360-set": 2})
    character = await make_character(api)
    balance = await api.balance()
    response = await api.client.post(
        f"/api/v1/characters/{character.id}/generate-360-set", json=body, headers=api.auth()
    )
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["success"] is False
    assert error["statusCode"] == 422
    assert field in response.text
    listed = await api.client.get("/api/v1/jobs", headers=api.auth())
    assert listed.json()["pagination"]["total"] == 0
    assert await api.balance() == balance


async def test_characters_that_cannot_be_used_are_refused_before_queueing(
    start_api: StartApi,
) -> None:
    api = await start_api(costs={"360-set": 2, "core-set": 2, "single-image": 1})
    bare = await make_character(api, name="No Reference", with_reference=False)
    bobs = await make_character(api, owner="bob", name="Bob's Own")
    balance = await api.balance()
    routes = ("generate-360-set", "generate-core-set")
    for route in routes:
        missing = await api.client.post(
            f"/api/v1/characters/{bare.id}/{route}", json={}, headers=api.auth()
        )
        assert missing.status_code == 422, missing.text
        assert "no master reference" in missing.json()["message"]
        for character_id in ("no-such-character", bobs.id):
            unknown = await api.client.post(
                f"/api/v1/characters/{character_id}/{route}", json={}, headers=api.auth()
            )
            assert unknown.status_code == 404, unknown.text
            assert unknown.json()["success"] is False
    generic = await api.submit(
        type="single-image", data={"characterId": bare.id, "shot": "back_50mm"}
    )
    assert generic.status_code == 422, generic.text
    no_shot = await api.submit(type="single-image", data={"characterId": bobs.id})
    assert no_shot.status_code == 422, no_shot.text
    listed = await api.client.get("/api/v1/jobs", headers=api.auth())
    assert listed.json()["pagination"]["total"] == 0
    assert await api.balance() == balance


async def test_requests_that_are_not_json_or_not_allowed_get_clear_errors(api: Api) -> None:
    character = await make_character(api)
    url = f"/api/v1/characters/{character.id}/generate-360-set"
    not_json = await api.client.post(
        url, content=b"{oops", headers={**api.auth(), "Content-Type": "application/json"}
    )
    assert not_json.status_code == 400
    assert (await api.client.post(url, json={})).status_code == 401
    too_long = await api.client.post(
        f"/api/v1/characters/{'x' * 201}/generate-360-set", json={}, headers=api.auth()
    )
    assert too_long.status_code == 422
    wait = await api.client.post(
        f"/api/v1/characters/{character.id}/generate-core-set?waitSeconds=0",
        json={},
        headers=api.auth(),
    )
    assert wait.status_code == 422
    core_count = await api.client.post(
        f"/api/v1/characters/{character.id}/generate-core-set",
        json={"imageCount": CORE_SET_SIZE + 1},
        headers=api.auth(),
    )
    assert core_count.status_code == 422
    job_id = (await start_set(api, character.id, qualityThreshold=0, imageCount=1))["jobId"]
    for method in ("GET", "DELETE"):
        theirs = await api.client.request(
            method, f"/api/v1/jobs/{job_id}/status", headers=api.auth("bob")
        )
        assert theirs.status_code == 404, theirs.text
        unknown = await api.client.request(
            method, "/api/v1/jobs/no-such-job/status", headers=api.auth()
        )
        assert unknown.status_code == 404
    await poll_until(api, job_id, FINAL)


async def test_an_idempotency_key_returns_the_first_set_charged_once(start_api: StartApi) -> None:
    api = await start_api(costs={"360-set": 2})
    character = await make_character(api)
    balance = await api.balance()
    url = f"/api/v1/characters/{character.id}/generate-360-set"
    headers = {**api.auth(), "Idempotency-Key": "set-1"}
    body = {"qualityThreshold": 0, "imageCount": 1}
    first = await api.client.post(url, json=body, headers=headers)
    second = await api.client.post(url, json=body, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["jobId"] == second.json()["jobId"]
    assert await api.balance() == balance - 2
    other = await api.client.post(url, json={**body, "imageCount": 2}, headers=headers)
    assert other.status_code == 422
    await poll_until(api, first.json()["jobId"], FINAL)


async def test_a_set_where_no_shot_reaches_the_threshold_fails_refunded(
    start_api: StartApi,
) -> None:
    api = await start_api(costs={"single-image": 1})
    character = await make_character(api)
    scores = await shot_scores(api, character, SHOTS[:4], 1)
    name = next(name for name, q in scores.items() if q[0] < 100)
    balance = await api.balance()
    data = {"characterId": character.id, "shot": name, "maxRetries": 0}
    submitted = await api.submit(
        type="single-image", data={**data, "qualityThreshold": scores[name][0] + 0.1}
    )
    assert submitted.status_code == 202, submitted.text
    job_id = submitted.json()["data"]["jobId"]
    done = await poll_until(api, job_id, FINAL)
    assert done["status"] == "failed"
    assert done["error"].startswith("no shot reached the quality threshold")
    assert [f["angle"] for f in done["results"]["failedImages"]] == [name]
    assert done["results"]["generatedImages"] == []
    assert (await api.job(job_id))["attemptsMade"] == 1
    assert await api.balance() == balance


async def test_a_waiting_set_shows_its_shots_and_cancels_at_once_refunded(
    start_api: StartApi,
) -> None:
    api = await start_api(embedded_workers=0, costs={"360-set": 2})
    character = await make_character(api)
    balance = await api.balance()
    job_id = (await start_set(api, character.id, imageCount=3))["jobId"]
    waiting = await status(api, job_id)
    assert waiting["status"] == "pending"
    assert waiting["progress"] == {"percentage": 0, "current": 0, "total": 3, "currentTask": None}
    assert waiting["message"] == "Job is queued, waiting to start."
    assert waiting["startedAt"] is None
    assert parse_iso(waiting["estimatedCompletionAt"]) >= parse_iso(waiting["createdAt"])
    assert (waiting["results"], waiting["error"]) == (None, None)
    assert await api.balance() == balance - 2
    cancelled = await api.client.delete(f"/api/v1/jobs/{job_id}/status", headers=api.auth())
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert (body["status"], body["message"]) == ("cancelled", "Job was cancelled.")
    assert body["estimatedCompletionAt"] is None
    assert await api.balance() == balance
