"""Every SDK call against a real `genqueue serve` (SQLite and Redis), async and sync."""

from __future__ import annotations

import uuid

import httpx
import pytest

from genqueue.client import (
    AsyncClient,
    Client,
    Conflict,
    ConnectionFailed,
    Forbidden,
    InsufficientCredits,
    InvalidRequest,
    Job,
    JobCancelled,
    JobFailed,
    JobState,
    NotFound,
    RateLimited,
    Unauthorized,
)

from .conftest import ServeProcess, StartServer

QUICK = {"steps": 2, "stepSeconds": 0.02}


async def test_submit_get_wait_list_credits(shared_server: ServeProcess, user: str) -> None:
    async with shared_server.async_client(user) as client:
        first = await client.submit("demo", QUICK, tags={"batch": "b1"}, priority=5)
        assert first.created
        assert first.status == "pending"
        assert first.status_url == f"/api/v1/jobs/{first.job_id}"
        job = await client.get(first.job_id)
        assert isinstance(job, Job)
        assert (job.id, job.type, job.owner, job.priority) == (first.job_id, "demo", user, 5)
        assert job.tags == {"batch": "b1"}
        assert job.cost == 1
        done = await client.wait(first.job_id, timeout=20)
        assert done.status is JobState.COMPLETED
        assert done.result == {"steps": 2, "attempt": 1}
        assert done.progress.percentage == 100.0
        assert done.progress.current_task == "Step 2 of 2"
        kinds = [event.kind async for event in client.stream(first.job_id)]
        assert kinds == ["snapshot", "completed"]  # an ended job: its state, then its end
        assert done.created_at is not None
        assert done.completed_at is not None
        assert done.completed_at >= done.created_at
        ids = {first.job_id}
        for _ in range(4):
            ids.add((await client.submit("demo", QUICK)).job_id)
        listed = [job.id async for job in client.list(page_size=2)]
        assert sorted(listed) == sorted(ids)  # every job once, across three pages
        tagged = [job.id async for job in client.list(tags={"batch": "b1"})]
        assert tagged == [first.job_id]
        page = await client.list_page(limit=2, skip=0)
        assert (page.total, page.limit, page.skip, page.has_more) == (5, 2, 0, True)
        assert len(page.jobs) == 2
        completed = await client.list_page(status="completed", type="demo")
        assert first.job_id in {job.id for job in completed.jobs}
        credits = await client.credits()
        assert (credits.user_id, credits.balance) == (user, 95)


async def test_idempotency_key_returns_the_first_job(
    shared_server: ServeProcess, user: str
) -> None:
    async with shared_server.async_client(user) as client:
        key = f"key-{uuid.uuid4()}"
        first = await client.submit("demo", QUICK, idempotency_key=key)
        again = await client.submit("demo", QUICK, idempotency_key=key)
        assert again.job_id == first.job_id
        assert (first.created, again.created) == (True, False)
        with pytest.raises(InvalidRequest) as other_body:
            await client.submit("demo", {"steps": 3}, idempotency_key=key)
        assert other_body.value.status == 422
        assert (await client.credits()).balance == 99  # charged once


async def test_cancel_and_retry(shared_server: ServeProcess, user: str) -> None:
    async with shared_server.async_client(user) as client:
        later = await client.submit("demo", QUICK, delay_seconds=3600)
        cancelled = await client.cancel(later.job_id)
        assert cancelled.status is JobState.CANCELLED
        with pytest.raises(JobCancelled) as waited:
            await client.wait(later.job_id, timeout=10)
        assert waited.value.job.id == later.job_id
        with pytest.raises(Conflict) as twice:
            await client.cancel(later.job_id)
        assert twice.value.status == 409
        assert twice.value.state == "cancelled"
        again = await client.retry(later.job_id)
        assert again.status in (JobState.PENDING, JobState.ACTIVE, JobState.COMPLETED)
        assert (await client.wait(later.job_id, timeout=20)).result == {"steps": 2, "attempt": 1}
        with pytest.raises(Conflict):
            await client.retry(later.job_id)  # a completed job is not retried


async def test_errors_carry_the_status_and_the_servers_message(
    shared_server: ServeProcess, user: str
) -> None:
    async with shared_server.async_client(user) as client:
        with pytest.raises(NotFound) as unknown:
            await client.get(str(uuid.uuid4()))
        assert unknown.value.status == 404
        assert unknown.value.message
        with pytest.raises(InvalidRequest) as bad_type:
            await client.submit("no-such-type")
        assert bad_type.value.status == 422
        assert "no-such-type" in bad_type.value.message
        with pytest.raises(InvalidRequest) as bad_data:
            await client.submit("demo", {"steps": -1})
        assert bad_data.value.status == 422
        with pytest.raises(InvalidRequest) as bad_priority:
            await client.submit("demo", priority=0)
        assert [e["field"] for e in bad_priority.value.errors] == ["body.priority"]
        with pytest.raises(Forbidden) as not_admin:
            await client.queues()
        assert not_admin.value.status == 403
    other = shared_server.async_client(f"{user}-other")
    async with shared_server.async_client(user) as client, other:
        mine = await client.submit("demo", QUICK, delay_seconds=3600)
        with pytest.raises(NotFound):
            await other.get(mine.job_id)  # another user's job is unknown
        await client.cancel(mine.job_id)
    async with AsyncClient(shared_server.url, "not-a-token") as stranger:
        with pytest.raises(Unauthorized) as refused:
            await stranger.credits()
        assert refused.value.status == 401


async def test_insufficient_credits(shared_server: ServeProcess, user: str) -> None:
    admin = httpx.AsyncClient(base_url=shared_server.url)
    headers = {"Authorization": f"Bearer {shared_server.token('root', admin=True)}"}
    async with admin, shared_server.async_client(user) as client:
        taken = await admin.post(
            f"/api/v1/admin/users/{user}/credits", json={"amount": -100}, headers=headers
        )
        assert taken.status_code == 200, taken.text
        with pytest.raises(InsufficientCredits) as short:
            await client.submit("demo", QUICK)
        assert short.value.status == 402
        assert (short.value.balance, short.value.cost) == (0, 1)
    async with shared_server.async_client("root", admin=True) as operator:
        queues = {queue.name: queue for queue in await operator.queues()}
    assert queues["default"].counts["completed"] >= 0
    assert queues["story"].max_starts == 5


def test_the_sync_client_makes_the_same_calls(shared_server: ServeProcess, user: str) -> None:
    with shared_server.client(user) as client:
        submitted = client.submit("demo", QUICK)
        assert client.get(submitted.job_id).type == "demo"
        kinds = [event.kind for event in client.stream(submitted.job_id)]
        assert kinds[0] == "snapshot"
        assert kinds[-1] == "completed"
        assert client.wait(submitted.job_id, timeout=20).result == {"steps": 2, "attempt": 1}
        failing = client.submit("demo", {**QUICK, "failAttempts": 9})
        with pytest.raises(JobFailed) as failed:
            client.wait(failing.job_id, timeout=30)
        assert failed.value.reason == "demo failure on attempt 3 (failAttempts=9)"
        assert failed.value.job.attempts_made == 3
        assert client.credits().balance == 99  # the completed one charged, the failed refunded
        retried = client.retry(failing.job_id)
        assert retried.status in (JobState.PENDING, JobState.ACTIVE, JobState.FAILED)
        later = client.submit("demo", QUICK, delay_seconds=3600)
        assert client.cancel(later.job_id).status is JobState.CANCELLED
        assert {job.id for job in client.list(status="cancelled")} == {later.job_id}
        assert client.list_page(limit=1).total == 3
        for event in client.stream(later.job_id):
            assert event.kind == "snapshot"
            break  # leaving a stream early closes it; the client goes on working
        assert client.get(later.job_id).status is JobState.CANCELLED


def test_unreachable_server_is_a_connection_error(user: str) -> None:
    with Client("http://127.0.0.1:9", "token") as client, pytest.raises(ConnectionFailed):
        client.get("some-job")


def test_rate_limited_carries_retry_after(serve: StartServer, user: str) -> None:
    server = serve(GENQUEUE_SUBMIT_RATE="2/minute")
    with server.client(user) as client:
        client.submit("demo", QUICK)
        client.submit("demo", QUICK)
        with pytest.raises(RateLimited) as limited:
            client.submit("demo", QUICK)
    assert limited.value.status == 429
    assert 0 < limited.value.retry_after <= 60
