"""Following one job to its end: its SSE stream first, polling when SSE cannot be used.

A broken stream (the server restarted, a proxy cut it, the network dropped) is resumed
with `Last-Event-ID`, so no event is lost; while it cannot be reopened the job is polled
between attempts, with exponential backoff. A server that does not serve the stream at all
(405/501, or an answer that is not `text/event-stream`) is polled for the rest of the wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass

from genqueue.client.errors import ClientError, ConnectionFailed, RateLimited, ServerError
from genqueue.client.http import ApiConnection, job_path, raise_for_answer
from genqueue.client.models import Job, JobEvent
from genqueue.client.sse import SseParser

RETRYABLE = (ConnectionFailed, RateLimited, ServerError)
NO_STREAM_STATUSES = frozenset({405, 406, 501})


@dataclass(frozen=True, slots=True)
class WaitPolicy:
    """Delays of `wait` and `stream`, in seconds.

    After the n-th failure in a row the next try waits `retry_initial × 2^(n-1)`, at most
    `retry_maximum` (longer when the server sent Retry-After). Polling starts at
    `poll_initial` and grows by half each unchanged poll up to `poll_maximum`. The server
    sends a heartbeat every 15 s, so a stream silent for `stream_read_timeout` is dead.
    """

    retry_initial: float = 0.25
    retry_maximum: float = 5.0
    poll_initial: float = 0.25
    poll_maximum: float = 5.0
    stream_read_timeout: float = 45.0

    def retry_delay(self, failures: int, error: ClientError) -> float:
        delay = min(self.retry_initial * 2.0 ** max(failures - 1, 0), self.retry_maximum)
        hinted = getattr(error, "retry_after", None)
        return max(delay, float(hinted)) if isinstance(hinted, int | float) else delay


class StreamUnavailable(Exception):
    """The server answered the events route with something other than an event stream."""


class JobFollower:
    """The events of one job until its final one; `last_job` is the latest whole job seen."""

    def __init__(
        self, api: ApiConnection, job_id: str, policy: WaitPolicy, *, use_stream: bool
    ) -> None:
        self.api = api
        self.job_id = job_id
        self.path = job_path(job_id)
        self.policy = policy
        self.use_stream = use_stream
        self.last_event_id: str | None = None
        self.last_job: Job | None = None
        self.failures = 0

    async def events(self) -> AsyncIterator[JobEvent]:
        while True:
            source = self._stream_events() if self.use_stream else self._poll_events()
            received = False
            failure: ClientError
            try:
                async with contextlib.aclosing(source):
                    async for event in source:
                        received = True
                        self.failures = 0
                        yield event
                        if event.is_final:
                            return
            except StreamUnavailable:
                self.use_stream = False
                continue
            except RETRYABLE as exc:
                failure = exc
            else:
                if received:
                    continue  # the server closed the stream (shutdown): resume at once
                failure = ConnectionFailed("the stream closed without an event")
            polled = await self._pause_then_poll(failure)
            if polled is not None:
                yield polled
                if polled.is_final:
                    return

    async def job(self) -> Job:
        """The job now, retrying network errors and 5xx/429 answers."""
        while True:
            try:
                return await self._get()
            except RETRYABLE as exc:
                self.failures += 1
                await asyncio.sleep(self.policy.retry_delay(self.failures, exc))

    async def _get(self) -> Job:
        job = Job.from_api((await self.api.call("GET", self.path))["data"])
        self.last_job = job
        return job

    async def _pause_then_poll(self, error: ClientError) -> JobEvent | None:
        """Wait out a failure; while the stream is broken, a poll keeps the caller informed."""
        self.failures += 1
        await asyncio.sleep(self.policy.retry_delay(self.failures, error))
        before = self.last_job
        try:
            job = await self._get()
        except RETRYABLE:
            return None
        if job.is_final or _changed(before, job):
            return JobEvent.from_poll(job)
        return None

    async def _stream_events(self) -> AsyncGenerator[JobEvent, None]:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        path = f"{self.path}/events"
        async with self.api.stream(path, headers, self.policy.stream_read_timeout) as answer:
            if answer.status_code in NO_STREAM_STATUSES:
                raise StreamUnavailable(answer.status_code)
            if answer.status_code == 422 and self.last_event_id:
                self.last_event_id = None  # the feed no longer holds it: start from a snapshot
                return
            raise_for_answer(answer)
            if not answer.headers.get("content-type", "").startswith("text/event-stream"):
                raise StreamUnavailable(answer.headers.get("content-type"))
            parser = SseParser()
            async for line in answer.aiter_lines():
                message = parser.feed(line)
                if message is None:
                    continue
                event = self._event(message.id, message.event, message.data)
                if message.id:
                    self.last_event_id = message.id
                yield event

    def _event(self, event_id: str | None, kind: str, text: str) -> JobEvent:
        try:
            data = json.loads(text)
        except ValueError:
            raise StreamUnavailable("an event whose data is not JSON") from None
        if not isinstance(data, dict):
            raise StreamUnavailable("an event whose data is not an object")
        event = JobEvent.from_sse(event_id, kind, data)
        if event.job is not None:
            self.last_job = event.job
        return event

    async def _poll_events(self) -> AsyncGenerator[JobEvent, None]:
        delay = self.policy.poll_initial
        while True:
            before = self.last_job
            job = await self._get()
            if job.is_final or _changed(before, job):
                delay = self.policy.poll_initial
                yield JobEvent.from_poll(job)
                if job.is_final:
                    return
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, self.policy.poll_maximum)


def _changed(before: Job | None, now: Job) -> bool:
    if before is None:
        return True
    seen = (before.status, before.progress, before.attempts_made, len(before.partial_results))
    return seen != (now.status, now.progress, now.attempts_made, len(now.partial_results))
