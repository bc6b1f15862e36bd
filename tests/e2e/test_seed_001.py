"""Seed 001 end to end, on SQLite and on Redis: each documented client flow over real HTTP
(submit, poll, read the result, fetch the artifact), listing, cancelling, a failing
provider retried then failed and refunded, and every validation error."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.api.conftest import Api, StartApi
from tests.e2e.seed001_support import (
    CHARACTER_MILESTONES,
    IMAGE_MILESTONES,
    attempt_starts,
    character_ids,
    check_png,
    create_character,
    decode_video,
    fetch,
    job_total,
    make_video,
    poll_until_done,
    progress_milestones,
    queue_character,
    queue_media,
    queued_envelope,
    seed_job,
    wait_for,
)
from tests.fakes.fixtures import remote_settings
from tests.fakes.openai_server import OpenAIServer
from tests.fakes.video_server import VideoServer

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CHARACTER_JOB_KEYS = {
    "jobId",
    "status",
    "progress",
    "result",
    "failedReason",
    "attemptsMade",
    "createdAt",
    "startedAt",
    "completedAt",
}
MEDIA_JOB_KEYS = CHARACTER_JOB_KEYS | {"type", "character"}


async def test_character_queue_flow_creates_a_character_with_its_master_image(
    start_api: StartApi,
) -> None:
    api = await start_api()
    body = {"name": "Aria Moon", "description": "a curious fox explorer", "style": "watercolor"}
    response = await api.client.post("/api/v1/characters/queue", json=body, headers=api.auth())
    assert response.status_code == 202
    job_id = response.json()["data"]["jobId"]
    assert uuid.UUID(job_id).version == 4
    expected = queued_envelope(
        "Character creation job queued successfully", job_id, "character-jobs"
    )
    assert response.json() == expected

    job = await poll_until_done(api, f"/api/v1/character-jobs/{job_id}")
    assert set(job) == CHARACTER_JOB_KEYS
    assert job["status"] == "completed"
    assert job["progress"] == 100
    assert job["failedReason"] is None
    assert job["attemptsMade"] == 1
    assert all(ISO.match(job[k]) for k in ("createdAt", "startedAt", "completedAt"))
    assert set(job["result"]) == {"characterId", "error"}
    assert job["result"]["error"] is None
    assert await progress_milestones(api, job_id) == CHARACTER_MILESTONES

    character = await seed_job(api, f"/api/v1/characters/{job['result']['characterId']}")
    assert character["name"] == "Aria Moon"
    assert character["jobId"] == job_id
    assert character["displayId"].startswith("aria-moon-")
    assert character["attributes"] == {"style": "watercolor"}
    assert len(character["personality"]) > 20
    [master] = character["media"]
    assert master["id"] == character["masterReferenceId"]
    assert master["pose"] == "standing"
    assert master["url"] == character["masterReferenceUrl"]
    data, content_type = await fetch(api, master["url"])
    assert content_type == "image/png"
    check_png(data)


async def test_a_queued_job_is_a_generic_job_too_and_its_data_can_be_resubmitted(
    api: Api,
) -> None:
    job_id = await queue_character(api, name="Bo", hobby="kites")
    await poll_until_done(api, f"/api/v1/character-jobs/{job_id}")
    generic = await api.job(job_id)
    assert generic["type"] == "character"
    assert generic["queue"] == "character-creation"
    again = await api.submit(type="character", data=generic["data"])
    assert again.status_code == 202, again.text
    second = await poll_until_done(api, f"/api/v1/character-jobs/{again.json()['data']['jobId']}")
    character = await seed_job(api, f"/api/v1/characters/{second['result']['characterId']}")
    assert character["attributes"] == {"hobby": "kites"}
    assert second["result"]["characterId"] != generic["result"]["characterId"]


async def test_the_synchronous_route_answers_the_finished_character(api: Api) -> None:
    body = {"name": "Zed", "description": "a robot gardener", "age": 7, "traits": ["kind"]}
    response = await api.client.post("/api/v1/characters", json=body, headers=api.auth())
    assert response.status_code == 201, response.text
    envelope = response.json()
    assert envelope["success"] is True
    assert envelope["statusCode"] == 201
    assert envelope["message"] == "Character created successfully"
    character = envelope["data"]
    assert character["attributes"] == {"age": 7, "traits": ["kind"]}
    assert character["personality"]
    assert character["jobId"] is None
    assert character["mediaTotal"] == 1
    assert character["media"][0]["type"] == "image"
    check_png((await fetch(api, character["masterReferenceUrl"]))[0])
    assert await character_ids(api) == [character["id"]]
    jobs = await api.client.get("/api/v1/jobs", headers=api.auth())
    assert jobs.json()["pagination"]["total"] == 0, "made in the request, not queued"
    other = await api.client.get(f"/api/v1/characters/{character['id']}", headers=api.auth("bob"))
    assert other.status_code == 404


async def test_image_flow_makes_a_new_image_in_the_asked_pose(api: Api) -> None:
    character = await create_character(api, name="Mina")
    path = f"/api/v1/characters/{character['id']}/generate-image/queue"
    response = await api.client.post(path, json={"poseId": "waving"}, headers=api.auth())
    assert response.status_code == 202
    job_id = response.json()["data"]["jobId"]
    expected = queued_envelope("Image generation job queued successfully", job_id, "media-jobs")
    assert response.json() == expected

    job = await poll_until_done(api, f"/api/v1/media-jobs/{job_id}")
    assert set(job) == MEDIA_JOB_KEYS
    assert job["type"] == "image"
    assert job["status"] == "completed"
    assert job["progress"] == 100
    assert job["character"] == {"name": "Mina", "displayId": character["displayId"]}
    assert await progress_milestones(api, job_id) == IMAGE_MILESTONES
    result = job["result"]
    assert result["error"] is None
    assert result["url"].startswith("/assets/")
    image, _ = await fetch(api, result["url"])
    check_png(image)
    master, _ = await fetch(api, character["masterReferenceUrl"])
    assert image != master

    detail = await seed_job(api, f"/api/v1/characters/{character['id']}")
    assert detail["mediaTotal"] == 2
    made = next(m for m in detail["media"] if m["id"] == result["mediaId"])
    assert made["pose"] == "waving"
    assert made["jobId"] == job_id
    no_body = await api.client.post(path, headers=api.auth())
    assert no_body.status_code == 202, "the body is optional"


async def test_video_flow_animates_an_image_into_a_video_that_decodes(api: Api) -> None:
    character = await create_character(api, name="Pip")
    media_id = character["masterReferenceId"]
    path = f"/api/v1/characters/{character['id']}/media/{media_id}/generate-video/queue"
    body = {"duration": 5, "resolution": "480p", "poseId": "dancing"}
    response = await api.client.post(path, json=body, headers=api.auth())
    assert response.status_code == 202, response.text
    job_id = response.json()["data"]["jobId"]
    expected = queued_envelope("Video generation job queued successfully", job_id, "media-jobs")
    assert response.json() == expected

    job = await poll_until_done(api, f"/api/v1/media-jobs/{job_id}")
    assert job["status"] == "completed", job
    assert job["type"] == "video"
    milestones = await progress_milestones(api, job_id)
    assert milestones[:5] == [10, 20, 30, 40, 50]
    assert milestones[-3:] == [85, 95, 100]
    polling = milestones[4:-3]
    assert polling == sorted(polling)
    assert all(50 <= p <= 80 for p in polling)
    assert polling[-1] == 80
    assert len(polling) > 2, "progress moves while polling"

    video, content_type = await fetch(api, job["result"]["url"])
    assert content_type.startswith("video/")
    width, height, duration, frames = decode_video(video)
    assert height == 480
    assert width > height
    assert abs(duration - 5) < 0.5
    assert frames > 10
    detail = await seed_job(api, f"/api/v1/characters/{character['id']}")
    made = next(m for m in detail["media"] if m["id"] == job["result"]["mediaId"])
    assert made["type"] == "video"
    assert made["details"]["sourceMediaId"] == media_id
    assert made["details"]["duration"] == 5
    assert made["details"]["resolution"] == "480p"


async def test_listing_filters_by_status_and_type_and_pages(api: Api) -> None:
    job_ids = [await queue_character(api, name=f"Hero {n}") for n in range(3)]
    for job_id in job_ids:
        await poll_until_done(api, f"/api/v1/character-jobs/{job_id}")
    first = await api.client.get("/api/v1/character-jobs?limit=2", headers=api.auth())
    assert first.status_code == 200
    assert first.json()["pagination"] == {"total": 3, "limit": 2, "skip": 0, "hasMore": True}
    rest = await api.client.get("/api/v1/character-jobs?limit=2&skip=2", headers=api.auth())
    assert rest.json()["pagination"] == {"total": 3, "limit": 2, "skip": 2, "hasMore": False}
    listed = [j["jobId"] for j in first.json()["data"] + rest.json()["data"]]
    assert listed == job_ids[::-1], "newest first, each once"
    done = await api.client.get("/api/v1/character-jobs?status=completed", headers=api.auth())
    assert done.json()["pagination"]["total"] == 3
    failed = await api.client.get("/api/v1/character-jobs?status=failed", headers=api.auth())
    assert failed.json()["data"] == []
    assert (await api.client.get("/api/v1/character-jobs", headers=api.auth("bob"))).json()[
        "data"
    ] == []

    pause = await api.client.post(
        "/api/v1/queues/character-creation/pause", headers=api.auth("root", admin=True)
    )
    assert pause.status_code == 200
    waiting_id = await queue_character(api, name="Later")
    for word in ("waiting", "pending", "pending,active"):
        waiting = await api.client.get(f"/api/v1/character-jobs?status={word}", headers=api.auth())
        assert [(j["jobId"], j["status"]) for j in waiting.json()["data"]] == [
            (waiting_id, "pending")
        ]
    bad = await api.client.get("/api/v1/character-jobs?status=sleeping", headers=api.auth())
    assert bad.status_code == 422
    assert bad.json()["success"] is False

    first_job = await seed_job(api, f"/api/v1/character-jobs/{job_ids[0]}")
    character = await seed_job(api, f"/api/v1/characters/{first_job['result']['characterId']}")
    image_id = await queue_media(
        api, f"/api/v1/characters/{character['id']}/generate-image/queue", {}
    )
    await poll_until_done(api, f"/api/v1/media-jobs/{image_id}")
    images = await api.client.get("/api/v1/media-jobs?type=image", headers=api.auth())
    assert [j["jobId"] for j in images.json()["data"]] == [image_id]
    assert images.json()["data"][0]["character"]["name"] == character["name"]
    videos = await api.client.get("/api/v1/media-jobs?type=video", headers=api.auth())
    assert videos.json()["data"] == []
    assert videos.json()["pagination"]["total"] == 0
    wrong = await api.client.get("/api/v1/media-jobs?type=audio", headers=api.auth())
    assert wrong.status_code == 422


async def test_cancel_mid_run_interrupts_the_job_and_refunds_it(start_api: StartApi) -> None:
    api = await start_api(local_step_seconds=0.3, costs={"character": 5})
    job_id = await queue_character(api, name="Slowpoke")
    assert await api.balance() == 95
    path = f"/api/v1/character-jobs/{job_id}"
    running = await wait_for(api, path, lambda j: j["status"] == "active" and j["progress"] >= 10)
    assert running["progress"] < 100
    response = await api.client.delete(path, headers=api.auth())
    assert response.status_code == 200, response.text
    assert response.json()["message"] == "Cancellation requested"
    job = await poll_until_done(api, path)
    assert job["status"] == "cancelled"
    assert job["result"] is None
    assert max(await progress_milestones(api, job_id)) < 100
    assert await api.balance() == 100
    again = await api.client.delete(path, headers=api.auth())
    assert again.status_code == 409
    assert again.json()["success"] is False


async def test_cancel_of_a_waiting_job_ends_it_at_once(api: Api) -> None:
    admin = api.auth("root", admin=True)
    await api.client.post("/api/v1/queues/character-creation/pause", headers=admin)
    job_id = await queue_character(api)
    response = await api.client.delete(f"/api/v1/character-jobs/{job_id}", headers=api.auth())
    assert response.status_code == 200
    assert response.json()["message"] == "Job cancelled"
    assert response.json()["data"]["status"] == "cancelled"
    other = await api.client.delete(f"/api/v1/character-jobs/{job_id}", headers=api.auth("bob"))
    assert other.status_code == 404


async def test_a_failing_provider_is_retried_with_backoff_then_failed_and_refunded(
    start_api: StartApi, openai_server: OpenAIServer, video_server: VideoServer
) -> None:
    openai_server.fail_next(100, 500)
    settings = remote_settings(openai_server, video_server)
    api = await start_api(costs={"character": 4}, **settings)
    job_id = await queue_character(api, name="Unlucky")
    assert await api.balance() == 96
    job = await poll_until_done(api, f"/api/v1/character-jobs/{job_id}")
    assert job["status"] == "failed"
    assert job["attemptsMade"] == 3
    assert job["result"] == {"characterId": None, "error": job["failedReason"]}
    assert "500" in job["failedReason"]
    assert await api.balance() == 100
    starts = await attempt_starts(api, job_id)
    assert len(starts) == 3
    assert starts[1] - starts[0] >= 2.0, starts
    assert starts[2] - starts[1] >= 4.0, starts
    assert openai_server.count("/v1/chat/completions") == 3
    assert await character_ids(api) == [], "a failed creation leaves no half-made character"


async def test_a_refused_request_fails_at_once_without_more_attempts(
    start_api: StartApi, openai_server: OpenAIServer, video_server: VideoServer
) -> None:
    openai_server.fail_next(1, 400)
    settings = remote_settings(openai_server, video_server)
    api = await start_api(costs={"character": 4}, **settings)
    job_id = await queue_character(api, name="Refused")
    job = await poll_until_done(api, f"/api/v1/character-jobs/{job_id}")
    assert job["status"] == "failed"
    assert job["attemptsMade"] == 1
    assert await api.balance() == 100
    assert openai_server.count("/v1/chat/completions") == 1
    assert await character_ids(api) == []


async def test_a_provider_hiccup_is_retried_and_the_rerun_rewrites_its_records(
    start_api: StartApi, openai_server: OpenAIServer, video_server: VideoServer
) -> None:
    """Attempt 1 made the character document, then the provider failed: attempt 2 writes
    the same record ids again instead of a second character."""
    openai_server.fail_next(1, 503)
    api = await start_api(**remote_settings(openai_server, video_server))
    job_id = await queue_character(api, name="Second Try")
    job = await poll_until_done(api, f"/api/v1/character-jobs/{job_id}")
    assert job["status"] == "completed"
    assert job["attemptsMade"] == 2
    assert await character_ids(api) == [job["result"]["characterId"]]
    character = await seed_job(api, f"/api/v1/characters/{job['result']['characterId']}")
    assert character["mediaTotal"] == 1
    check_png((await fetch(api, character["masterReferenceUrl"]))[0])


async def test_the_remote_providers_make_the_character_and_its_video(
    start_api: StartApi, openai_server: OpenAIServer, video_server: VideoServer
) -> None:
    api = await start_api(**remote_settings(openai_server, video_server))
    job_id = await queue_character(api, name="Remote Rita", description="a pilot")
    job = await poll_until_done(api, f"/api/v1/character-jobs/{job_id}")
    assert job["status"] == "completed", job
    character = await seed_job(api, f"/api/v1/characters/{job['result']['characterId']}")
    check_png((await fetch(api, character["masterReferenceUrl"]))[0])
    path = (
        f"/api/v1/characters/{character['id']}/media/{character['masterReferenceId']}"
        "/generate-video/queue"
    )
    video_id = await queue_media(api, path, {"duration": 8, "resolution": "1080p"})
    video_job = await poll_until_done(api, f"/api/v1/media-jobs/{video_id}")
    assert video_job["status"] == "completed", video_job
    milestones = await progress_milestones(api, video_id)
    assert milestones[:5] == [10, 20, 30, 40, 50]
    assert milestones[-3:] == [85, 95, 100]
    video, _ = await fetch(api, video_job["result"]["url"])
    _, _, duration, _ = decode_video(video)
    assert abs(duration - 8) < 0.5
    assert video_server.count() >= 3, "submitted, polled, downloaded"
    submitted = video_server.recorded("/v1/videos")[0].json()
    assert submitted["duration"] == 8
    assert submitted["resolution"] == "1080p"


async def test_the_synchronous_route_answers_a_failing_provider_with_502_or_503(
    start_api: StartApi, openai_server: OpenAIServer, video_server: VideoServer
) -> None:
    api = await start_api(**remote_settings(openai_server, video_server))
    openai_server.fail_next(1, 500)
    down = await api.client.post("/api/v1/characters", json={"name": "A"}, headers=api.auth())
    assert down.status_code == 503
    assert down.headers["retry-after"] == "5"
    assert down.json()["success"] is False
    openai_server.fail_next(1, 400)
    refused = await api.client.post("/api/v1/characters", json={"name": "B"}, headers=api.auth())
    assert refused.status_code == 502
    assert await job_total(api) == 0
    assert await character_ids(api) == []


async def test_an_idempotency_key_returns_the_first_job_charged_once(start_api: StartApi) -> None:
    api = await start_api(costs={"character": 3})
    headers = {**api.auth(), "Idempotency-Key": "create-aria-once"}
    answers = [
        await api.client.post("/api/v1/characters/queue", json={"name": "Aria"}, headers=headers)
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [202, 202]
    assert len({a.json()["data"]["jobId"] for a in answers}) == 1
    assert await api.balance() == 97


async def test_every_validation_error_answers_before_anything_is_queued_or_charged(
    start_api: StartApi,
) -> None:
    api = await start_api(costs={"character": 1, "image": 1, "video": 1})
    mine = await create_character(api, name="Mine")
    second = await create_character(api, name="Second")
    theirs = await create_character(api, "bob", name="Theirs")
    video_id = await make_video(api, mine)
    jobs_before = await job_total(api)
    balance_before = await api.balance()

    for method, path, body, status in _refusals(mine, second, theirs, video_id):
        response = await api.client.request(method, path, json=body, headers=api.auth())
        assert response.status_code == status, (method, path, body, response.text)
        envelope = response.json()
        assert envelope["success"] is False
        assert envelope["statusCode"] == status
        assert envelope["message"]
        assert envelope["error"] == envelope["message"]
    assert await job_total(api) == jobs_before
    assert await api.balance() == balance_before


Refusal = tuple[str, str, Any, int]


def _refusals(
    mine: dict[str, Any],
    second: dict[str, Any],
    theirs: dict[str, Any],
    video_id: str,
) -> list[Refusal]:
    """(method, path, body, status) of requests that must be refused."""
    image = f"/api/v1/characters/{mine['id']}/generate-image/queue"
    video_of = "/api/v1/characters/{}/media/{}/generate-video/queue".format
    master = mine["masterReferenceId"]
    video = video_of(mine["id"], master)
    return [
        ("POST", "/api/v1/characters/queue", {}, 422),
        ("POST", "/api/v1/characters/queue", {"name": "   "}, 422),
        ("POST", "/api/v1/characters/queue", {"name": "X", "poseId": "moonwalk"}, 422),
        ("POST", "/api/v1/characters", {"name": "X", "poseId": "moonwalk"}, 422),
        ("POST", "/api/v1/characters/queue", ["not", "an", "object"], 422),
        ("POST", image, {"poseId": "moonwalk"}, 422),
        ("POST", image, {"poseId": "waving", "colour": "red"}, 422),
        ("POST", "/api/v1/characters/no-such-character/generate-image/queue", {}, 404),
        ("POST", f"/api/v1/characters/{theirs['id']}/generate-image/queue", {}, 404),
        ("POST", video, {"duration": 6}, 422),
        ("POST", video, {"duration": "5"}, 422),
        ("POST", video, {}, 422),
        ("POST", video, {"duration": 5, "resolution": "4k"}, 422),
        ("POST", video, {"duration": 5, "poseId": "moonwalk"}, 422),
        ("POST", video_of(mine["id"], "no-such-media"), {"duration": 5}, 404),
        ("POST", video_of(mine["id"], theirs["masterReferenceId"]), {"duration": 5}, 404),
        ("POST", video_of(second["id"], master), {"duration": 5}, 404),
        ("POST", video_of(theirs["id"], master), {"duration": 5}, 404),
        ("POST", video_of(mine["id"], video_id), {"duration": 5}, 422),
        ("POST", "/api/v1/jobs", {"type": "image", "data": {"characterId": "nope"}}, 404),
        ("POST", "/api/v1/jobs", {"type": "image", "data": {"characterId": theirs["id"]}}, 404),
        ("POST", "/api/v1/jobs", {"type": "video", "data": {"characterId": mine["id"]}}, 422),
        ("POST", "/api/v1/jobs", {"type": "character", "data": {"name": 5}}, 422),
        ("GET", "/api/v1/character-jobs/no-such-job", None, 404),
        ("GET", "/api/v1/media-jobs/no-such-job", None, 404),
        ("GET", "/api/v1/characters/no-such-character", None, 404),
        ("GET", "/api/v1/character-jobs?limit=0", None, 422),
        ("GET", "/api/v1/media-jobs?skip=-1", None, 422),
    ]


async def test_job_routes_serve_only_their_own_kind_and_owner(api: Api) -> None:
    job_id = await queue_character(api)
    await poll_until_done(api, f"/api/v1/character-jobs/{job_id}")
    as_media = await api.client.get(f"/api/v1/media-jobs/{job_id}", headers=api.auth())
    assert as_media.status_code == 404
    as_bob = await api.client.get(f"/api/v1/character-jobs/{job_id}", headers=api.auth("bob"))
    assert as_bob.status_code == 404
    admin = await api.client.get(
        f"/api/v1/character-jobs/{job_id}", headers=api.auth("root", admin=True)
    )
    assert admin.status_code == 200
    poses = await api.client.get("/api/v1/poses", headers=api.auth())
    ids = [p["id"] for p in poses.json()["data"]]
    assert "standing" in ids
    assert "waving" in ids
    assert len(ids) == len(set(ids))
