"""`GET /api/v1/jobs/{jobId}/events`: a job's events as Server-Sent Events.

Every event's `id:` is its id in the store's event feed. A client that reconnects with
`Last-Event-ID` gets the events after it replayed from the feed (even after the job
ended), then the live ones; a new connection gets a `snapshot` event first. The stream
ends after the job's final event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from starlette.responses import StreamingResponse

from genqueue.api.deps import caller, visible_job
from genqueue.api.envelope import dumps
from genqueue.api.errors import error_responses
from genqueue.api.routes.jobs import JobId
from genqueue.api.views import job_view
from genqueue.engine.engine import Engine
from genqueue.engine.events import Event
from genqueue.engine.job import Job
from genqueue.realtime.hub import Subscription

router = APIRouter(prefix="/api/v1/jobs", tags=["events"])

HEARTBEAT_SECONDS = 15.0
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def sse(event_id: str, kind: str, data: dict[str, Any]) -> bytes:
    return b"id: %s\nevent: %s\ndata: %s\n\n" % (event_id.encode(), kind.encode(), dumps(data))


def event_message(event: Event) -> bytes:
    data = {"jobId": event.job_id, "type": event.type, "at": event.at, **event.data}
    return sse(event.id, event.kind.value, data)


@router.get(
    "/{jobId}/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "description": "Events: snapshot, created, active, progress, partial, retrying, "
            "stalled, then completed, failed or cancelled (the stream then ends).",
        },
        **error_responses(404),
    },
    summary="Stream a job's events (SSE)",
)
async def job_events(
    jobId: JobId,
    request: Request,
    last_event_id: Annotated[
        str | None, Header(alias="Last-Event-ID", max_length=100, description="Resume after it.")
    ] = None,
) -> StreamingResponse:
    state, user = caller(request)
    before = await visible_job(state.engine, user, jobId)
    if last_event_id:
        await state.engine.events_after(last_event_id, 1)  # a bad id answers 422 here
    subscription = await state.events.subscribe(job_id=jobId)
    stream = _stream(state.engine, subscription, before, last_event_id)
    return StreamingResponse(stream, media_type="text/event-stream", headers=SSE_HEADERS)


async def _stream(
    engine: Engine, subscription: Subscription, before: Job, last_event_id: str | None
) -> AsyncIterator[bytes]:
    try:
        async for message in _messages(engine, subscription, before, last_event_id):
            yield message
    finally:
        subscription.close()


async def _messages(
    engine: Engine, subscription: Subscription, before: Job, last_event_id: str | None
) -> AsyncIterator[bytes]:
    """`before` was read before subscribing: if it had ended then, its final event lies
    before the subscription's start, so the replay up to that start holds it (or the
    client has it already) and the stream ends there. A replay does not stop at an earlier
    final event: a job that was retried by hand goes on after it."""
    if last_event_id:
        if last_event_id != subscription.start_id:
            replay = subscription.hub.replay(before.id, last_event_id, subscription.start_id)
            async for event in replay:
                yield event_message(event)
        if before.state.is_final:
            return
    else:
        job = await engine.get(before.id)
        yield sse(subscription.start_id, "snapshot", _snapshot(engine, job))
        if job.state.is_final:
            yield sse(subscription.start_id, job.state.value, _snapshot(engine, job))
            return
    async for message in live_messages(subscription, until_final=True):
        yield message


async def live_messages(subscription: Subscription, *, until_final: bool) -> AsyncIterator[bytes]:
    """A subscription's events as they come, with a heartbeat comment while it is quiet;
    ends when it overflows or ends (and after a final event with `until_final`)."""
    while True:
        live = await subscription.next(HEARTBEAT_SECONDS)
        if live is None:
            if subscription.overflowed or subscription.ended:
                return
            yield b": heartbeat\n\n"
            continue
        chunk, final = _frames(subscription, [live, *subscription.ready()], until_final)
        yield chunk
        if final:
            return


def _frames(
    subscription: Subscription, events: list[Event], until_final: bool
) -> tuple[bytes, bool]:
    """The frames of the events queued so far as one chunk (one write for a reader that
    fell behind), each encoded once per event by the hub; with `until_final`, True when
    it holds a final one, where the chunk stops."""
    frames = []
    for event in events:
        frames.append(subscription.hub.encoded(event, event_message))
        if until_final and event.kind.is_final:
            return b"".join(frames), True
    return b"".join(frames), False


def _snapshot(engine: Engine, job: Job) -> dict[str, Any]:
    return job_view(job, engine.clock())
