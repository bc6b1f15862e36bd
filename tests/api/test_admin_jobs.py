"""Admin job routes: search, detail, delete (refunds), promote — on both stores."""

from __future__ import annotations

from typing import Any

from .conftest import Api, StartApi

ADMIN = "root"


async def _submit(api: Api, user: str = "alice", **body: Any) -> str:
    response = await api.submit(user, **body)
    assert response.status_code == 202, response.text
    return str(response.json()["data"]["jobId"])


async def _search(api: Api, **params: Any) -> dict[str, Any]:
    response = await api.client.get(
        "/api/v1/admin/jobs", params=params, headers=api.auth(ADMIN, admin=True)
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_search_combines_filters_and_pages(start_api: StartApi) -> None:
    api = await start_api(embedded_workers=0)
    a = await _submit(api, "alice", tags={"characterId": "hero"})
    b = await _submit(api, "bob", delaySeconds=600)
    c = await _submit(api, "carol", tags={"characterId": "hero"})
    everything = await _search(api)
    assert everything["total"] == 3
    assert [j["jobId"] for j in everything["jobs"]] == [c, b, a]
    assert {"limit", "skip"} <= everything.keys()
    assert [j["jobId"] for j in (await _search(api, owner="bob"))["jobs"]] == [b]
    assert [j["jobId"] for j in (await _search(api, status="delayed"))["jobs"]] == [b]
    assert (await _search(api, tag="characterId=hero"))["total"] == 2
    assert [j["jobId"] for j in (await _search(api, q="hero", owner="alice"))["jobs"]] == [a]
    assert [j["jobId"] for j in (await _search(api, q=b))["jobs"]] == [b]
    assert (await _search(api, q="carol", type="demo", queue="default"))["total"] == 1
    page = await _search(api, limit=1, skip=1)
    assert page["total"] == 3
    assert [j["jobId"] for j in page["jobs"]] == [b]


async def test_search_rejects_bad_filters(api: Api) -> None:
    headers = api.auth(ADMIN, admin=True)
    for params, status in (
        ({"status": "sleeping"}, 422),
        ({"tag": "novalue"}, 422),
        ({"tag": "=x"}, 422),
        ({"q": ""}, 422),
        ({"limit": 0}, 422),
        ({"limit": 101}, 422),
        ({"skip": -1}, 422),
        ({"queue": "no-such-queue"}, 404),
    ):
        response = await api.client.get("/api/v1/admin/jobs", params=params, headers=headers)
        assert response.status_code == status, (params, response.text)
        assert response.json()["success"] is False


async def test_detail_shows_failure_and_any_owner(api: Api) -> None:
    job_id = await _submit(api, "alice", data={"steps": 1, "stepSeconds": 0.01, "failAttempts": 9})
    await api.wait_for_status(job_id, {"failed"})
    response = await api.client.get(
        f"/api/v1/admin/jobs/{job_id}", headers=api.auth(ADMIN, admin=True)
    )
    assert response.status_code == 200, response.text
    job = response.json()["data"]
    assert job["owner"] == "alice"
    assert job["status"] == "failed"
    assert job["attempts"] == job["attemptsMade"] == 3
    assert job["failedReason"]
    assert len(job["stacktrace"]) == 1
    assert "Traceback" in job["stacktrace"][0]
    assert {"data", "partialResults", "createdAt", "startedAt", "completedAt"} <= job.keys()
    missing = await api.client.get("/api/v1/admin/jobs/nope", headers=api.auth(ADMIN, admin=True))
    assert missing.status_code == 404


async def test_delete_refunds_a_waiting_job_and_refuses_a_running_one(
    start_api: StartApi,
) -> None:
    api = await start_api(costs={"demo": 3})
    headers = api.auth(ADMIN, admin=True)
    before = await api.balance("alice")
    waiting = await _submit(api, "alice", delaySeconds=600)
    assert await api.balance("alice") == before - 3
    deleted = await api.client.delete(f"/api/v1/admin/jobs/{waiting}", headers=headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["data"] == {"id": waiting, "deleted": True}
    assert await api.balance("alice") == before
    gone = await api.client.get(f"/api/v1/jobs/{waiting}", headers=api.auth("alice"))
    assert gone.status_code == 404
    running = await _submit(api, "alice", data={"steps": 200, "stepSeconds": 0.05})
    await api.wait_for_status(running, {"active"})
    refused = await api.client.delete(f"/api/v1/admin/jobs/{running}", headers=headers)
    assert refused.status_code == 409
    assert refused.json()["data"]["state"] == "active"
    await api.client.delete(f"/api/v1/jobs/{running}", headers=api.auth("alice"))
    await api.wait_for_status(running, {"cancelled"})
    finished = await api.client.delete(f"/api/v1/admin/jobs/{running}", headers=headers)
    assert finished.status_code == 200
    assert await api.balance("alice") == before
    again = await api.client.delete(f"/api/v1/admin/jobs/{running}", headers=headers)
    assert again.status_code == 404


async def test_promote_starts_a_delayed_job_and_refuses_others(api: Api) -> None:
    headers = api.auth(ADMIN, admin=True)
    delayed = await _submit(api, "alice", delaySeconds=600, data={"steps": 1, "stepSeconds": 0.01})
    promoted = await api.client.post(f"/api/v1/admin/jobs/{delayed}/promote", headers=headers)
    assert promoted.status_code == 200, promoted.text
    await api.wait_for_status(delayed, {"completed"})
    again = await api.client.post(f"/api/v1/admin/jobs/{delayed}/promote", headers=headers)
    assert again.status_code == 409
    missing = await api.client.post("/api/v1/admin/jobs/nope/promote", headers=headers)
    assert missing.status_code == 404
