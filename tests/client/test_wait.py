"""`wait` and `stream` through retries, cancels, timeouts, a missing or broken SSE route,
and a server killed and restarted (same port, same store) while a client waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from genqueue.client import (
    Client,
    Job,
    JobCancelled,
    JobEvent,
    JobState,
    WaitTimeout,
)

from .conftest import FAST, ServeProcess, StartServer, eventually

LONG = {"steps": 100, "stepSeconds": 0.05}


class Waiter:
    """`client.wait` in a thread of its own, recording the events it saw."""

    def __init__(self, client: Client, job_id: str, timeout: float = 60.0) -> None:
        self.events: list[JobEvent] = []
        self.outcome: Job | BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(client, job_id, timeout))
        self._thread.start()

    def _run(self, client: Client, job_id: str, timeout: float) -> None:
        try:
            self.outcome = client.wait(job_id, timeout=timeout, on_event=self.events.append)
        except BaseException as exc:
            self.outcome = exc

    def percentage(self) -> float:
        seen = [e.progress.percentage for e in self.events if e.progress is not None]
        return max(seen, default=0.0)

    def result(self, seconds: float = 60.0) -> Job | BaseException | None:
        self._thread.join(seconds)
        assert not self._thread.is_alive(), "wait did not return"
        return self.outcome


def test_stream_yields_a_snapshot_then_progress_then_the_end(
    shared_server: ServeProcess, user: str
) -> None:
    with shared_server.client(user) as client:
        job_id = client.submit("demo", {"steps": 4, "stepSeconds": 0.05}).job_id
        events = list(client.stream(job_id))
    assert events[0].kind == "snapshot"
    assert events[0].job is not None
    assert events[0].job.id == job_id
    progress = [e.progress for e in events if e.kind == "progress" and e.progress]
    assert [p.percentage for p in progress] == [25.0, 50.0, 75.0, 100.0]
    assert [p.current_task for p in progress][-1] == "Step 4 of 4"
    assert events[-1].kind == "completed"
    assert events[-1].data["result"] == {"steps": 4, "attempt": 1}
    ids = [int(e.id) for e in events if e.id is not None]
    assert ids == sorted(ids)


def test_wait_goes_through_a_retry(shared_server: ServeProcess, user: str) -> None:
    with shared_server.client(user) as client:
        job_id = client.submit("demo", {"steps": 2, "stepSeconds": 0.02, "failAttempts": 1}).job_id
        seen: list[JobEvent] = []
        job = client.wait(job_id, timeout=30, on_event=seen.append)
    assert job.result == {"steps": 2, "attempt": 2}
    assert job.attempts_made == 2
    retrying = [e for e in seen if e.kind == "retrying"]
    assert len(retrying) == 1
    assert retrying[0].data["reason"] == "demo failure on attempt 1 (failAttempts=1)"


def test_wait_ends_when_a_running_job_is_cancelled(shared_server: ServeProcess, user: str) -> None:
    with shared_server.client(user) as client, shared_server.client(user) as other:
        job_id = client.submit("demo", LONG).job_id
        waiter = Waiter(client, job_id)
        eventually(lambda: waiter.percentage() >= 5)
        started = time.monotonic()
        asked = other.cancel(job_id)
        assert asked.cancel_requested or asked.status is JobState.CANCELLED
        outcome = waiter.result()
        assert time.monotonic() - started < 4.0  # not the job's remaining 4+ s
    assert isinstance(outcome, JobCancelled)
    assert outcome.job.status is JobState.CANCELLED
    assert outcome.job.progress.percentage < 100


def test_wait_timeout_raises_a_clear_timeout(shared_server: ServeProcess, user: str) -> None:
    with shared_server.client(user) as client:
        job_id = client.submit("demo", LONG).job_id
        started = time.monotonic()
        with pytest.raises(WaitTimeout) as timed_out:
            client.wait(job_id, timeout=0.5)
        elapsed = time.monotonic() - started
        client.cancel(job_id)
    assert 0.5 <= elapsed < 3.0
    assert isinstance(timed_out.value, TimeoutError)
    assert timed_out.value.job_id == job_id
    assert f"job {job_id} did not finish within 0.5 s" in str(timed_out.value)


def test_polling_only_reaches_the_same_end(shared_server: ServeProcess, user: str) -> None:
    with shared_server.client(user, use_stream=False) as client:
        job_id = client.submit("demo", {"steps": 5, "stepSeconds": 0.05}).job_id
        seen: list[JobEvent] = []
        job = client.wait(job_id, timeout=30, on_event=seen.append)
    assert job.result == {"steps": 5, "attempt": 1}
    assert all(e.id is None for e in seen)
    assert seen[-1].kind == "completed"
    percentages = [e.progress.percentage for e in seen if e.progress is not None]
    assert percentages == sorted(percentages)


class EventsRoute(httpx.AsyncBaseTransport):
    """Real HTTP, except that the SSE route is answered by `answer` (a stand-in for a
    proxy that does not pass event streams)."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.real = httpx.AsyncHTTPTransport()
        self.answer = answer
        self.event_requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/events"):
            self.event_requests += 1
            return self.answer(request)
        return await self.real.handle_async_request(request)

    async def aclose(self) -> None:
        await self.real.aclose()


def _not_implemented(request: httpx.Request) -> httpx.Response:
    return httpx.Response(501, json={"message": "no streams here"})


def _connection_refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("refused", request=request)


def _buffered_html(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="<html>proxy</html>", headers={"content-type": "text/html"})


@pytest.mark.parametrize("answer", [_not_implemented, _connection_refused, _buffered_html])
def test_wait_polls_when_the_stream_is_unavailable(
    shared_server: ServeProcess, user: str, answer: Callable[[httpx.Request], Any]
) -> None:
    transport = EventsRoute(answer)
    token = shared_server.token(user)
    with Client(shared_server.url, token, policy=FAST, transport=transport) as c:
        job_id = c.submit("demo", {"steps": 3, "stepSeconds": 0.05}).job_id
        job = c.wait(job_id, timeout=30)
    assert job.status is JobState.COMPLETED
    assert transport.event_requests >= 1


RESTARTS = [
    pytest.param("sqlite", True, "kill", id="sqlite-sse-kill"),
    pytest.param("sqlite", False, "kill", id="sqlite-polling-kill"),
    pytest.param("redis", True, "kill", id="redis-sse-kill"),
    pytest.param("redis", False, "kill", id="redis-polling-kill"),
    pytest.param("sqlite", True, "terminate", id="sqlite-sse-terminate"),
]


@pytest.mark.parametrize(("store", "use_stream", "how"), RESTARTS, indirect=["store"])
def test_wait_survives_a_server_restart(
    serve: StartServer, user: str, use_stream: bool, how: str
) -> None:
    """SIGKILL cuts the stream and strands the running job until its lease ends; SIGTERM
    closes the stream after uvicorn's graceful wait and hands the job back (or lets it end)."""
    server = serve(GENQUEUE_LEASE_SECONDS="2")
    steps = 40 if how == "kill" else 120  # outlasts uvicorn's wait for open streams (6 s)
    with server.client(user, use_stream=use_stream) as client:
        job_id = client.submit("demo", {"steps": steps, "stepSeconds": 0.1}).job_id
        waiter = Waiter(client, job_id)
        eventually(lambda: waiter.percentage() >= 10)
        server.kill() if how == "kill" else server.stop()
        before = len(waiter.events)
        server.start()
        outcome = waiter.result()
    assert isinstance(outcome, Job), outcome
    assert outcome.status is JobState.COMPLETED
    assert outcome.stalled_count == (1 if how == "kill" else 0)
    after = waiter.events[before:]
    assert any(e.kind in ("progress", "snapshot", "completed") for e in after)
    streamed = [e for e in waiter.events if e.id is not None]
    if use_stream:
        # one snapshot: the reconnection resumed with Last-Event-ID instead of starting over
        assert [e.kind for e in streamed].count("snapshot") == 1
        assert streamed[-1].kind == "completed"
        assert int(streamed[-1].id or 0) > int(streamed[0].id or 0)
    else:
        assert streamed == []
