"""`GET /metrics`: valid Prometheus text, exact job figures from the store, HTTP timings by
route template, admin-only unless public, and a 503 when the store does not answer."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.api.conftest import Api, StartApi, eventually, make_token
from tests.redis_support import start_server, stop_server

Series = dict[tuple[str, frozenset[tuple[str, str]]], float]
DEMO = frozenset({("queue", "default"), ("type", "demo")})


async def scrape(api: Api) -> Series:
    response = await api.client.get("/metrics", headers=api.auth("ops", admin=True))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    series: Series = {}
    for family in text_string_to_metric_families(response.text):
        assert family.name.startswith("genqueue_")
        for sample in family.samples:
            series[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return series


def value(series: Series, name: str, **labels: str) -> float:
    return series[(name, frozenset(labels.items()))]


async def test_job_figures_are_exact_and_the_same_from_every_process(
    start_api: StartApi,
) -> None:
    api = await start_api(costs={"demo": 1}, initial_credits=100)
    other = await start_api(costs={"demo": 1}, initial_credits=100, embedded_workers=0)
    quick = {"steps": 2, "stepSeconds": 0.01}
    done = (await api.submit(data=quick)).json()["data"]["jobId"]
    once_failed = (await api.submit(data={**quick, "failAttempts": 1})).json()["data"]["jobId"]
    failing = (await api.submit(data={**quick, "failAttempts": 3})).json()["data"]["jobId"]
    waiting = (await api.submit(data=quick, delaySeconds=3600)).json()["data"]["jobId"]
    cancelled = await api.client.delete(f"/api/v1/jobs/{waiting}", headers=api.auth())
    assert cancelled.status_code == 200
    await api.wait_for_status(done, {"completed"})
    await api.wait_for_status(once_failed, {"completed"})
    for _ in range(3):  # the backoff (2 s, then 4 s) paces the three attempts
        try:
            await api.wait_for_status(failing, {"failed"})
            break
        except AssertionError:
            continue

    series = await scrape(api)
    jobs = {
        state: value(series, "genqueue_jobs", queue="default", state=state)
        for state in ("pending", "delayed", "active", "completed", "failed", "cancelled")
    }
    assert jobs == {
        "pending": 0,
        "delayed": 0,
        "active": 0,
        "completed": 2,
        "failed": 1,
        "cancelled": 1,
    }
    expected = {
        "genqueue_jobs_completed_total": 2,
        "genqueue_jobs_failed_total": 1,
        "genqueue_job_attempts_total": 6,
        "genqueue_job_retries_total": 3,
        "genqueue_job_stalls_total": 0,
        "genqueue_job_cancellations_total": 1,
        "genqueue_credits_charged_total": 4,
        "genqueue_credits_refunded_total": 2,
    }
    assert {name: series[(name, DEMO)] for name in expected} == expected
    for state, count in (("completed", 2), ("failed", 1)):
        labels = {"queue": "default", "type": "demo", "state": state}
        assert value(series, "genqueue_job_duration_seconds_count", **labels) == count
        assert value(series, "genqueue_job_duration_seconds_bucket", **labels, le="+Inf") == count
        assert value(series, "genqueue_job_duration_seconds_bucket", **labels, le="60") == count
        assert value(series, "genqueue_job_duration_seconds_sum", **labels) > 0

    from_other = await scrape(other)
    job_level = {
        k: v
        for k, v in series.items()
        if not k[0].startswith(("genqueue_http", "genqueue_process"))
    }
    assert {k: from_other[k] for k in job_level} == job_level


async def test_a_retry_by_hand_counts_as_a_requeue(start_api: StartApi) -> None:
    api = await start_api()
    job_id = (await api.submit(data={"steps": 1}, delaySeconds=3600)).json()["data"]["jobId"]
    cancelled = await api.client.delete(f"/api/v1/jobs/{job_id}", headers=api.auth())
    assert cancelled.status_code == 200
    retried = await api.client.post(f"/api/v1/jobs/{job_id}/retry", headers=api.auth())
    assert retried.status_code == 200, retried.text
    series = await scrape(api)
    assert series[("genqueue_job_requeues_total", DEMO)] == 1
    assert series[("genqueue_job_cancellations_total", DEMO)] == 1


async def test_http_durations_by_route_template_method_and_status(api: Api) -> None:
    for _ in range(2):
        assert (await api.submit(data={"steps": 1})).status_code == 202
    assert (await api.client.get("/api/v1/jobs/some-id")).status_code == 401
    assert (await api.client.get("/no/such/path")).status_code == 404
    series = await scrape(api)
    count = "genqueue_http_request_duration_seconds_count"
    assert value(series, count, method="POST", route="/api/v1/jobs", status="202") == 2
    assert value(series, count, method="GET", route="/api/v1/jobs/{jobId}", status="401") == 1
    assert value(series, count, method="GET", route="unmatched", status="404") == 1
    assert not any("some-id" in str(labels) for _, labels in series)


async def test_metrics_need_an_admin_unless_public(start_api: StartApi) -> None:
    api = await start_api(embedded_workers=0)
    missing = await api.client.get("/metrics")
    assert missing.status_code == 401
    assert missing.json()["success"] is False
    assert (await api.client.get("/metrics", headers=api.auth("bob"))).status_code == 403
    assert (
        await api.client.get("/metrics", headers={"Authorization": "Bearer x"})
    ).status_code == 401
    cookie = {"Cookie": f"genqueue_admin={make_token('root', admin=True)}"}
    assert (await api.client.get("/metrics", headers=cookie)).status_code == 200
    user_cookie = {"Cookie": f"genqueue_admin={make_token('bob')}"}
    assert (await api.client.get("/metrics", headers=user_cookie)).status_code == 403
    public = await start_api(embedded_workers=0, metrics_public=True)
    answer = await public.client.get("/metrics")
    assert answer.status_code == 200
    assert "genqueue_http_request_duration_seconds" in answer.text


@pytest.mark.parametrize("store_url", ["redis"], indirect=True)
async def test_a_store_that_does_not_answer_gives_503(start_api: StartApi, tmp_path: Path) -> None:
    """A Redis of its own, stopped with SIGSTOP: the scrape answers 503 within its timeout."""
    process, port = start_server(tmp_path / "redis")
    try:
        api = await start_api(
            store_url=f"redis://127.0.0.1:{port}/0",
            embedded_workers=0,
            metrics_timeout_seconds=0.5,
        )
        await scrape(api)
        os.kill(process.pid, signal.SIGSTOP)
        try:
            started = asyncio.get_running_loop().time()
            answer = await api.client.get("/metrics", headers=api.auth("ops", admin=True))
            assert answer.status_code == 503
            assert answer.json()["success"] is False
            assert asyncio.get_running_loop().time() - started < 5.0
        finally:
            os.kill(process.pid, signal.SIGCONT)
        await eventually(lambda: _scrapes(api))
    finally:
        stop_server(process)


async def _scrapes(api: Api) -> bool | None:
    answer = await api.client.get("/metrics", headers=api.auth("ops", admin=True))
    return True if answer.status_code == 200 else None
