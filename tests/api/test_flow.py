"""The whole flow through real HTTP: submit, poll, stream, list, cancel, retry, credits."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from genqueue.api.routes import events

from .conftest import Api, StartApi, eventually, read_sse


async def test_submit_poll_and_stream_a_demo_job_to_its_end(api: Api) -> None:
    # slow enough steps (10 x 50 ms) that the stream opens before the job ends
    submitted = await api.submit(
        data={"steps": 10, "stepSeconds": 0.05}, tags={"characterId": "c1"}
    )
    assert submitted.status_code == 202
    body = submitted.json()
    assert body["success"] is True
    assert body["statusCode"] == 202
    job_id = body["data"]["jobId"]
    assert body["data"] == {
        "jobId": job_id,
        "status": "pending",
        "statusUrl": f"/api/v1/jobs/{job_id}",
        "created": True,
    }
    async with api.client.stream(
        "GET", f"/api/v1/jobs/{job_id}/events", headers=api.auth()
    ) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = await read_sse(stream)
    kinds = [e.event for e in events]
    assert kinds[0] == "snapshot"
    assert kinds[-1] == "completed"
    assert "progress" in kinds
    final_progress = [e.data for e in events if e.event == "progress"][-1]
    assert final_progress["percentage"] == 100
    assert final_progress["currentTask"] == "Step 10 of 10"
    feed_ids = [int(e.id or 0) for e in events[1:]]
    assert feed_ids == sorted(feed_ids)
    job = await api.wait_for_status(job_id, {"completed"})
    assert job["result"] == {"steps": 10, "attempt": 1}
    assert job["progress"] == {
        "percentage": 100,
        "current": 10,
        "total": 10,
        "currentTask": "Step 10 of 10",
    }
    assert job["attemptsMade"] == 1
    assert job["owner"] == "alice"
    assert job["tags"] == {"characterId": "c1"}
    assert job["createdAt"].endswith("Z")
    assert job["completedAt"] >= job["startedAt"] >= job["createdAt"]
    status = (await api.client.get(f"/api/v1/jobs/{job_id}/status", headers=api.auth())).json()
    assert status["status"] == "completed"
    assert status["results"] == {"steps": 10, "attempt": 1}
    assert status["progress"]["percentage"] == 100


async def test_last_event_id_replays_the_rest_even_after_the_job_ended(api: Api) -> None:
    job_id = (await api.submit(data={"steps": 3})).json()["data"]["jobId"]
    await api.wait_for_status(job_id, {"completed"})
    async with api.client.stream(
        "GET", f"/api/v1/jobs/{job_id}/events", headers={**api.auth(), "Last-Event-ID": "0"}
    ) as stream:
        full = await read_sse(stream)
    assert [e.event for e in full] == [
        "created",
        "active",
        "progress",
        "progress",
        "progress",
        "completed",
    ]
    resume_after = full[2].id or ""
    async with api.client.stream(
        "GET",
        f"/api/v1/jobs/{job_id}/events",
        headers={**api.auth(), "Last-Event-ID": resume_after},
    ) as stream:
        rest = await read_sse(stream)
    assert [e.id for e in rest] == [e.id for e in full[3:]]
    async with api.client.stream(
        "GET",
        f"/api/v1/jobs/{job_id}/events",
        headers={**api.auth(), "Last-Event-ID": full[-1].id or ""},
    ) as stream:
        assert await read_sse(stream) == []


async def test_a_stream_opened_after_the_end_gets_a_snapshot_and_the_final_event(
    api: Api,
) -> None:
    job_id = (await api.submit(data={"steps": 1})).json()["data"]["jobId"]
    await api.wait_for_status(job_id, {"completed"})
    async with api.client.stream(
        "GET", f"/api/v1/jobs/{job_id}/events", headers=api.auth()
    ) as stream:
        events = await read_sse(stream)
    assert [e.event for e in events] == ["snapshot", "completed"]
    assert events[0].data["status"] == "completed"


async def test_twenty_concurrent_duplicates_make_one_job_charged_once(
    start_api: StartApi,
) -> None:
    api = await start_api(costs={"demo": 3}, initial_credits=100, embedded_workers=0)
    answers = await asyncio.gather(
        *(api.submit(data={"steps": 1}, idempotency_key="same-key") for _ in range(20))
    )
    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["data"]["jobId"] for a in answers}) == 1
    assert sorted(a.json()["data"]["created"] for a in answers) == [False] * 19 + [True]
    assert await api.balance() == 97
    other_body = await api.submit(data={"steps": 2}, idempotency_key="same-key")
    assert other_body.status_code == 422
    other_user = await api.submit("bob", data={"steps": 1}, idempotency_key="same-key")
    assert other_user.status_code == 202
    assert other_user.json()["data"]["jobId"] != answers[0].json()["data"]["jobId"]


async def test_a_failed_job_and_a_cancelled_job_are_refunded(start_api: StartApi) -> None:
    api = await start_api(costs={"demo": 5}, initial_credits=20)
    failing = (await api.submit(data={"steps": 2, "failAttempts": 3})).json()["data"]["jobId"]
    waiting = (await api.submit(data={"steps": 1}, delaySeconds=3600)).json()["data"]["jobId"]
    assert await api.balance() == 10
    cancelled = await api.client.delete(f"/api/v1/jobs/{waiting}", headers=api.auth())
    assert cancelled.status_code == 200
    assert cancelled.json()["data"]["status"] == "cancelled"
    assert await api.balance() == 15
    # the queue's backoff (2 s, then 4 s) paces the three attempts
    failed = await _wait_long(api, failing, {"failed"})
    assert failed["attemptsMade"] == 3
    assert "demo failure" in failed["failedReason"]
    assert await api.balance() == 20
    again = await api.client.post(f"/api/v1/jobs/{failing}/retry", headers=api.auth())
    assert again.status_code == 200
    assert again.json()["data"]["status"] == "pending"
    assert await api.balance() == 15


async def _wait_long(api: Api, job_id: str, statuses: set[str]) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        job = await api.job(job_id)
        return job if job["status"] in statuses else None

    for _ in range(3):
        try:
            return await eventually(check)
        except AssertionError:
            continue
    raise AssertionError(f"job {job_id} never reached {statuses}")


async def test_cancel_interrupts_a_running_job_and_refunds_it(start_api: StartApi) -> None:
    api = await start_api(costs={"demo": 4}, initial_credits=10)
    job_id = (await api.submit(data={"steps": 500})).json()["data"]["jobId"]
    await api.wait_for_status(job_id, {"active"})
    cancel = await api.client.delete(f"/api/v1/jobs/{job_id}/status", headers=api.auth())
    assert cancel.status_code == 200
    assert cancel.json()["jobId"] == job_id
    await api.wait_for_status(job_id, {"cancelled"})
    assert await api.balance() == 10
    again = await api.client.delete(f"/api/v1/jobs/{job_id}", headers=api.auth())
    assert again.status_code == 409


async def test_list_filters_and_pages_the_callers_jobs(start_api: StartApi) -> None:
    api = await start_api(embedded_workers=0)
    for i in range(5):
        tags = {"characterId": "c1" if i < 3 else "c2", "scene": str(i % 2)}
        assert (await api.submit(data={"steps": 1}, tags=tags)).status_code == 202
    assert (await api.submit("bob", data={"steps": 1})).status_code == 202

    async def listing(query: str, user: str = "alice", admin: bool = False) -> dict[str, Any]:
        response = await api.client.get(
            f"/api/v1/jobs?{query}", headers=api.auth(user, admin=admin)
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    everything = await listing("")
    assert everything["pagination"] == {
        "total": 5,
        "limit": 20,
        "skip": 0,
        "page": 1,
        "hasMore": False,
    }
    assert {j["owner"] for j in everything["data"]} == {"alice"}
    second_page = await listing("page=2&limit=2")
    assert second_page["pagination"] == {
        "total": 5,
        "limit": 2,
        "skip": 2,
        "page": 2,
        "hasMore": True,
    }
    assert len(second_page["data"]) == 2
    assert (await listing("skip=4&limit=2"))["pagination"]["hasMore"] is False
    assert (await listing("characterId=c1"))["pagination"]["total"] == 3
    assert (await listing("characterId=c1&tag.scene=0"))["pagination"]["total"] == 2
    assert (await listing("status=waiting"))["pagination"]["total"] == 5
    assert (await listing("status=pending&jobType=demo"))["pagination"]["total"] == 5
    assert (await listing("status=processing"))["pagination"]["total"] == 0
    assert (await listing("type=other"))["pagination"]["total"] == 0
    assert (await listing("queue=default"))["pagination"]["total"] == 5
    assert (await listing("", "root", admin=True))["pagination"]["total"] == 0
    assert (await listing("all=true", "root", admin=True))["pagination"]["total"] == 6
    assert (await listing("owner=bob", "root", admin=True))["pagination"]["total"] == 1
    forbidden = await api.client.get("/api/v1/jobs?owner=bob", headers=api.auth())
    assert forbidden.status_code == 403
    too_many = await api.client.get("/api/v1/jobs?limit=101", headers=api.auth())
    assert too_many.status_code == 422
    bad_status = await api.client.get("/api/v1/jobs?status=sleeping", headers=api.auth())
    assert bad_status.status_code == 422


async def test_credits_grants_and_queue_steering(start_api: StartApi) -> None:
    api = await start_api(initial_credits=7, embedded_workers=0)
    admin = api.auth("root", admin=True)
    assert await api.balance() == 7
    granted = await api.client.post(
        "/api/v1/admin/users/alice/credits", json={"amount": 5}, headers=admin
    )
    assert granted.status_code == 200
    assert granted.json()["data"] == {"userId": "alice", "balance": 12}
    taken = await api.client.post(
        "/api/v1/admin/users/alice/credits", json={"amount": -100}, headers=admin
    )
    assert taken.json()["data"]["balance"] == 0
    assert await api.balance() == 0
    not_admin = await api.client.post(
        "/api/v1/admin/users/alice/credits", json={"amount": 5}, headers=api.auth()
    )
    assert not_admin.status_code == 403

    await api.submit(data={"steps": 1})
    paused = await api.client.post("/api/v1/queues/default/pause", headers=admin)
    assert paused.json()["data"] == {"name": "default", "paused": True}
    queues = (await api.client.get("/api/v1/queues", headers=admin)).json()["data"]
    default = next(q for q in queues if q["name"] == "default")
    assert default["paused"] is True
    assert default["counts"]["pending"] == 1
    image = next(q for q in queues if q["name"] == "image-generation")
    assert image["rateLimit"] == {"maxStarts": 5, "perSeconds": 1.0}
    assert image["concurrency"] == 5
    assert image["timeoutSeconds"] == 300
    resumed = await api.client.post("/api/v1/queues/default/resume", headers=admin)
    assert resumed.json()["data"]["paused"] is False
    unknown = await api.client.post("/api/v1/queues/no-such-queue/pause", headers=admin)
    assert unknown.status_code == 404
    assert (await api.client.get("/api/v1/queues", headers=api.auth())).status_code == 403


async def test_health_and_ready_need_no_token(api: Api) -> None:
    health = await api.client.get("/health")
    assert health.json() == {"status": "ok"}
    ready = await api.client.get("/ready")
    assert ready.json() == {"status": "ready"}
    docs = await api.client.get("/docs")
    assert docs.status_code == 200
    schema = (await api.client.get("/openapi.json")).json()
    assert "/api/v1/jobs/{jobId}/events" in schema["paths"]


async def test_a_waiting_job_shows_its_position_and_wait(start_api: StartApi) -> None:
    api = await start_api(embedded_workers=0)
    ids = [(await api.submit(data={"steps": 1})).json()["data"]["jobId"] for _ in range(3)]

    async def positioned() -> dict[str, Any] | None:
        job = await api.job(ids[-1])
        return job if job["position"] == 2 else None

    job = await eventually(positioned)
    assert job["estimatedWaitSeconds"] >= 0
    assert (await api.job(ids[0]))["position"] == 0


async def test_an_idle_stream_sends_heartbeats(
    start_api: StartApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events, "HEARTBEAT_SECONDS", 0.05)
    api = await start_api(embedded_workers=0)
    job_id = (await api.submit(data={"steps": 1})).json()["data"]["jobId"]
    heartbeats = 0
    async with api.client.stream(
        "GET", f"/api/v1/jobs/{job_id}/events", headers=api.auth()
    ) as stream:
        async for line in stream.aiter_lines():
            heartbeats += line == ": heartbeat"
            if heartbeats == 2:
                break
    assert heartbeats == 2


async def test_a_last_event_id_the_store_never_made_is_422(api: Api) -> None:
    job_id = (await api.submit(data={"steps": 1})).json()["data"]["jobId"]
    response = await api.client.get(
        f"/api/v1/jobs/{job_id}/events", headers={**api.auth(), "Last-Event-ID": "bogus"}
    )
    assert response.status_code == 422
    assert response.json()["success"] is False


async def test_a_replay_goes_past_a_final_event_when_the_job_was_retried(
    start_api: StartApi,
) -> None:
    api = await start_api(embedded_workers=0)
    job_id = (await api.submit(data={"steps": 1}, delaySeconds=3600)).json()["data"]["jobId"]
    assert (await api.client.delete(f"/api/v1/jobs/{job_id}", headers=api.auth())).is_success
    retried = await api.client.post(f"/api/v1/jobs/{job_id}/retry", headers=api.auth())
    assert retried.status_code == 200
    assert (await api.client.delete(f"/api/v1/jobs/{job_id}", headers=api.auth())).is_success
    async with api.client.stream(
        "GET", f"/api/v1/jobs/{job_id}/events", headers={**api.auth(), "Last-Event-ID": "0"}
    ) as stream:
        events = await read_sse(stream)
    assert [e.event for e in events] == ["created", "cancelled", "retrying", "cancelled"]
