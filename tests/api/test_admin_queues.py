"""Queue steering routes: retry-failed, clean, empty — on both stores."""

from __future__ import annotations

from typing import Any

from .conftest import Api, StartApi

ADMIN = "root"
FAILING = {"steps": 1, "stepSeconds": 0.01, "failAttempts": 9}


async def _submit(api: Api, user: str = "alice", **body: Any) -> str:
    response = await api.submit(user, **body)
    assert response.status_code == 202, response.text
    return str(response.json()["data"]["jobId"])


async def test_retry_failed_runs_the_failed_jobs_again(start_api: StartApi) -> None:
    api = await start_api(costs={"demo": 1})
    headers = api.auth(ADMIN, admin=True)
    ids = [await _submit(api, data=FAILING) for _ in range(2)]
    for job_id in ids:
        await api.wait_for_status(job_id, {"failed"})
    before = await api.balance("alice")
    response = await api.client.post("/api/v1/queues/default/retry-failed", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"queue": "default", "retried": 2}
    assert await api.balance("alice") < before  # charged again (refunded when they fail)
    for job_id in ids:  # from their first attempt again: they fail anew after three more
        await api.wait_for_status(job_id, {"failed"})
    again = await api.client.post("/api/v1/queues/default/retry-failed", headers=headers)
    assert again.json()["data"]["retried"] == 2  # they ran again and failed again
    missing = await api.client.post("/api/v1/queues/nope/retry-failed", headers=headers)
    assert missing.status_code == 404


async def test_clean_removes_finished_jobs_older_than_an_age(api: Api) -> None:
    headers = api.auth(ADMIN, admin=True)
    done = await _submit(api, data={"steps": 1, "stepSeconds": 0.01})
    await api.wait_for_status(done, {"completed"})
    url = "/api/v1/queues/default/clean"
    kept = await api.client.post(
        url, json={"status": "completed", "olderThanSeconds": 3600}, headers=headers
    )
    assert kept.json()["data"] == {"queue": "default", "removed": 0}
    removed = await api.client.post(
        url, json={"status": "completed", "olderThanSeconds": 0}, headers=headers
    )
    assert removed.status_code == 200, removed.text
    assert removed.json()["data"] == {"queue": "default", "removed": 1}
    gone = await api.client.get(f"/api/v1/jobs/{done}", headers=api.auth("alice"))
    assert gone.status_code == 404
    for body in (
        {"status": "active", "olderThanSeconds": 0},
        {"status": "completed", "olderThanSeconds": -1},
        {"status": "completed"},
        {"status": "completed", "olderThanSeconds": 0, "extra": 1},
    ):
        bad = await api.client.post(url, json=body, headers=headers)
        assert bad.status_code == 422, body
    missing = await api.client.post(
        "/api/v1/queues/nope/clean",
        json={"status": "failed", "olderThanSeconds": 0},
        headers=headers,
    )
    assert missing.status_code == 404


async def test_empty_cancels_and_refunds_waiting_jobs(start_api: StartApi) -> None:
    api = await start_api(embedded_workers=0, costs={"demo": 2})
    headers = api.auth(ADMIN, admin=True)
    before = await api.balance("alice")
    ids = [await _submit(api), await _submit(api, delaySeconds=600)]
    assert await api.balance("alice") == before - 4
    response = await api.client.post("/api/v1/queues/default/empty", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"queue": "default", "cancelled": 2}
    assert await api.balance("alice") == before
    for job_id in ids:
        assert (await api.job(job_id))["status"] == "cancelled"
    missing = await api.client.post("/api/v1/queues/nope/empty", headers=headers)
    assert missing.status_code == 404
