"""`AsyncClient`: the SDK's one implementation; `Client` (sync_client.py) runs it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from types import TracebackType
from typing import Any

import httpx

from genqueue.client.errors import JobCancelled, JobFailed, WaitTimeout
from genqueue.client.follow import JobFollower, WaitPolicy
from genqueue.client.http import ApiConnection, job_path
from genqueue.client.models import Credits, Job, JobEvent, JobPage, QueueInfo, Submission
from genqueue.engine.job import JobState

EventCallback = Callable[[JobEvent], None]
Statuses = str | Iterable[str] | None
DEFAULT_PAGE_SIZE = 20


class AsyncClient:
    """A genqueue server's generic job API (`/api/v1/...`) over httpx.

    `url` and `token` default to GENQUEUE_URL (else http://127.0.0.1:8000) and
    GENQUEUE_TOKEN. `timeout` bounds each request; `wait` and `stream` follow the job's
    SSE stream (or poll, with `use_stream=False`) with the delays of `policy`.
    """

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 10.0,
        use_stream: bool = True,
        policy: WaitPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._api = ApiConnection(url, token, timeout, transport)
        self.use_stream = use_stream
        self.policy = policy or WaitPolicy()

    @property
    def url(self) -> str:
        return self._api.url

    async def submit(
        self,
        type: str,
        data: Any = None,
        *,
        priority: int | None = None,
        delay_seconds: float | None = None,
        tags: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Submission:
        """Queue a job. With `idempotency_key`, a resubmission returns the first job."""
        body: dict[str, Any] = {"type": type, "data": data}
        if priority is not None:
            body["priority"] = priority
        if delay_seconds is not None:
            body["delaySeconds"] = delay_seconds
        if tags is not None:
            body["tags"] = dict(tags)
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        answer = await self._api.call("POST", "/api/v1/jobs", json=body, headers=headers)
        data_out = answer["data"]
        return Submission(
            job_id=data_out["jobId"],
            status=data_out["status"],
            status_url=data_out["statusUrl"],
            created=bool(data_out["created"]),
        )

    async def get(self, job_id: str) -> Job:
        return Job.from_api((await self._api.call("GET", job_path(job_id)))["data"])

    async def cancel(self, job_id: str) -> Job:
        """A waiting job ends at once; a running one shows `cancel_requested` until its
        worker stops it (`wait` then raises JobCancelled)."""
        return Job.from_api((await self._api.call("DELETE", job_path(job_id)))["data"])

    async def retry(self, job_id: str) -> Job:
        """Run a failed or cancelled job again from its first attempt."""
        path = f"{job_path(job_id)}/retry"
        return Job.from_api((await self._api.call("POST", path))["data"])

    async def stream(self, job_id: str) -> AsyncIterator[JobEvent]:
        """The job's events (first a `snapshot`) until its final one, reconnecting by
        itself; network errors are retried for as long as the caller keeps iterating."""
        follower = JobFollower(self._api, job_id, self.policy, use_stream=self.use_stream)
        async for event in follower.events():
            yield event

    async def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the SDK's interface (issue 9); sync callers need it too
        on_event: EventCallback | None = None,
    ) -> Job:
        """The job once it completed. Raises JobFailed or JobCancelled when it ended
        otherwise, WaitTimeout after `timeout` seconds. `on_event` sees every event."""
        follower = JobFollower(self._api, job_id, self.policy, use_stream=self.use_stream)
        try:
            async with asyncio.timeout(timeout) as deadline:
                job = await _follow_to_end(follower, on_event)
        except TimeoutError:
            if timeout is None or not deadline.expired():
                raise
            raise WaitTimeout(job_id, timeout, follower.last_job) from None
        if job.status is JobState.FAILED:
            raise JobFailed(job)
        if job.status is JobState.CANCELLED:
            raise JobCancelled(job)
        return job

    async def list_page(
        self,
        *,
        status: Statuses = None,
        type: str | None = None,
        queue: str | None = None,
        tags: Mapping[str, str] | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        skip: int = 0,
    ) -> JobPage:
        """One page of the caller's jobs, newest first."""
        params: dict[str, str | int] = {"limit": limit, "skip": skip}
        if status is not None:
            params["status"] = status if isinstance(status, str) else ",".join(status)
        if type is not None:
            params["type"] = type
        if queue is not None:
            params["queue"] = queue
        for name, value in (tags or {}).items():
            params[f"tag.{name}"] = value
        return JobPage.from_api(await self._api.call("GET", "/api/v1/jobs", params=params))

    async def credits(self) -> Credits:
        data = (await self._api.call("GET", "/api/v1/me/credits"))["data"]
        return Credits(user_id=data["userId"], balance=int(data["balance"]))

    async def queues(self) -> tuple[QueueInfo, ...]:
        """Every queue with its counts per state (admin tokens only)."""
        data = (await self._api.call("GET", "/api/v1/queues"))["data"]
        return tuple(QueueInfo.from_api(item) for item in data)

    async def aclose(self) -> None:
        await self._api.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def list(
        self,
        *,
        status: Statuses = None,
        type: str | None = None,
        queue: str | None = None,
        tags: Mapping[str, str] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[Job]:
        """Every matching job, newest first, fetched a page at a time. A job that moves
        pages while the listing runs (new jobs push older ones back) is yielded once."""
        seen: set[str] = set()
        skip = 0
        while True:
            page = await self.list_page(
                status=status, type=type, queue=queue, tags=tags, limit=page_size, skip=skip
            )
            for job in page.jobs:
                if job.id not in seen:
                    seen.add(job.id)
                    yield job
            if not page.has_more or not page.jobs:
                return
            skip += len(page.jobs)


async def _follow_to_end(follower: JobFollower, on_event: EventCallback | None) -> Job:
    while True:
        final: JobEvent | None = None
        async for event in follower.events():
            if on_event is not None:
                on_event(event)
            final = event
        job = final.job if final is not None and final.job is not None else await follower.job()
        if job.is_final:
            return job
        # retried by hand after the final event: follow its new run
