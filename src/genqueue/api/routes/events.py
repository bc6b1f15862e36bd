"""`GET /api/v1/jobs/{jobId}/events`: a job's events as Server-Sent Events.

Every event's `id:` is its id in the store's event feed. A client that reconnects with
`Last-Event-ID` gets the events after it replayed from the feed (even after the job
ended), then the live ones; a new connection gets a `snapshot` event first. The stream
ends after the job's final event.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from starlette.responses import StreamingResponse

from genqueue.api.deps import caller, visible_job
from genqueue.api.envelope import dumps
from genqueue.api.errors import error_responses
from genqueue.api.live import LiveStream
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
) -> LiveStream:
    state, user = caller(request)
    before = await visible_job(state.engine, user, jobId)
    if last_event_id:
        await state.engine.events_after(last_event_id, 1)  # a bad id answers 422 here
    subscription = await state.events.subscribe(job_id=jobId)
    prelude = _prelude(state.engine, subscription, before, last_event_id)
    return live_stream(subscription, prelude, until_final=True)


def live_stream(
    subscription: Subscription, prelude: AsyncGenerator[bytes | None, None], *, until_final: bool
) -> LiveStream:
    """The SSE response: `prelude`, then the subscription's events as they come, with a
    heartbeat comment every HEARTBEAT_SECONDS of quiet; it ends when the subscription
    overflows or ends (and after a final event with `until_final`)."""
    return LiveStream(
        subscription,
        prelude,
        event_message,
        until_final=until_final,
        heartbeat_seconds=HEARTBEAT_SECONDS,
        headers=SSE_HEADERS,
    )


async def _prelude(
    engine: Engine, subscription: Subscription, before: Job, last_event_id: str | None
) -> AsyncGenerator[bytes | None, None]:
    """What comes before the live events (a None ends the stream there). `before` was
    read before subscribing: if it had ended then, its final event lies before the
    subscription's start, so the replay up to that start holds it (or the client has it
    already) and the stream ends there; so it does when the replay's last event of the job
    is final. A replay does not stop at an earlier final event: a job that was retried by
    hand goes on after it."""
    if last_event_id:
        ended = before.state.is_final
        if last_event_id != subscription.start_id:
            replay = subscription.hub.replay(before.id, last_event_id, subscription.start_id)
            async for event in replay:
                ended = before.state.is_final or event.kind.is_final
                yield event_message(event)
        if ended:
            yield None
    else:
        job = await engine.get(before.id)
        yield sse(subscription.start_id, "snapshot", _snapshot(engine, job))
        if job.state.is_final:
            yield sse(subscription.start_id, job.state.value, _snapshot(engine, job))
            yield None


def _snapshot(engine: Engine, job: Job) -> dict[str, Any]:
    return job_view(job, engine.clock())
