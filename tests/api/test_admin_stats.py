"""Workers and stats routes, and the whole-feed SSE — on both stores."""

from __future__ import annotations

import asyncio
from typing import Any

from .conftest import Api, StartApi, eventually

ADMIN = "root"


async def _stats(api: Api, **params: Any) -> dict[str, Any]:
    response = await api.client.get(
        "/api/v1/admin/stats", params=params, headers=api.auth(ADMIN, admin=True)
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_workers_are_listed_alive(api: Api) -> None:
    response = await api.client.get("/api/v1/admin/workers", headers=api.auth(ADMIN, admin=True))
    assert response.status_code == 200, response.text
    [worker] = response.json()["data"]
    assert worker["alive"] is True
    assert "default" in worker["queues"]
    assert {"id", "host", "pid", "concurrency", "running", "startedAt", "lastSeenAt"} <= (
        worker.keys()
    )


async def test_stats_show_health_throughput_durations_and_depth(api: Api) -> None:
    for _ in range(3):
        response = await api.submit(data={"steps": 1, "stepSeconds": 0.01})
        job_id = response.json()["data"]["jobId"]
        await api.wait_for_status(job_id, {"completed"})

    async def ready() -> dict[str, Any] | None:
        data = await _stats(api, minutes=5)
        return data if data["depth"] and data["durations"] else None

    data = await eventually(ready)
    default = next(q for q in data["queues"] if q["name"] == "default")
    assert default["counts"]["completed"] == 3
    assert default["unserved"] is False
    assert default["workers"]
    assert {"paused", "rateLimit", "concurrency", "oldestWaitingAgeSeconds"} <= default.keys()
    assert sum(p["completed"] for p in data["throughput"] if p["queue"] == "default") == 3
    demo = next(d for d in data["durations"] if d["type"] == "demo")
    assert demo["count"] == 3
    assert 0 <= demo["p50"] <= demo["p90"] <= demo["p99"]
    assert {"minute", "queue", "waiting", "active", "delayed"} <= data["depth"][0].keys()


async def test_a_queue_without_live_workers_is_unserved(start_api: StartApi) -> None:
    api = await start_api(embedded_workers=0)
    await api.submit()
    data = await _stats(api)
    default = next(q for q in data["queues"] if q["name"] == "default")
    assert default["unserved"] is True
    assert default["counts"]["pending"] == 1
    assert default["oldestWaitingAgeSeconds"] is not None
    for minutes in (0, 1441, "x"):
        bad = await api.client.get(
            "/api/v1/admin/stats",
            params={"minutes": minutes},
            headers=api.auth(ADMIN, admin=True),
        )
        assert bad.status_code == 422


async def test_admin_events_stream_every_users_jobs_and_resume(api: Api) -> None:
    headers = api.auth(ADMIN, admin=True)
    seen: list[Any] = []

    async def follow() -> None:
        async with api.client.stream("GET", "/api/v1/admin/events", headers=headers) as response:
            assert response.status_code == 200
            async for line in response.aiter_lines():
                seen.append(line)

    task = asyncio.create_task(follow())
    await eventually(lambda: _has(seen, "event: ready"))
    ids = []
    for user in ("alice", "bob"):
        response = await api.submit(user, data={"steps": 1, "stepSeconds": 0.01})
        ids.append(response.json()["data"]["jobId"])
    for job_id in ids:
        await eventually(lambda job_id=job_id: _has(seen, f'"jobId":"{job_id}"'))
    await eventually(lambda: _has(seen, "event: completed"))
    task.cancel()
    start = next(line for line in seen if line.startswith("id: "))[4:]
    replayed: list[str] = []
    resume = {**headers, "Last-Event-ID": start}
    async with api.client.stream("GET", "/api/v1/admin/events", headers=resume) as response:
        async for line in response.aiter_lines():
            replayed.append(line)
            if line == "event: completed":
                break
    assert "event: ready" not in replayed
    assert any(f'"jobId":"{ids[0]}"' in line for line in replayed)
    bad = await api.client.get("/api/v1/admin/events", headers={**headers, "Last-Event-ID": "x!"})
    assert bad.status_code == 422


async def _has(lines: list[Any], text: str) -> bool | None:
    return True if any(text in line for line in lines) else None
