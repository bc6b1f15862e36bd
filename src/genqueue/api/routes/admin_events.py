"""`GET /api/v1/admin/events`: the whole event feed as Server-Sent Events (admins).

The frames are those of `GET /api/v1/jobs/{jobId}/events`. A new connection gets a
`ready` event whose id is where the stream starts; a client that reconnects with
`Last-Event-ID` gets the events after it replayed from the feed, then the live ones.
The stream never ends by itself (the server closes it when a slow reader falls behind).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request
from starlette.responses import StreamingResponse

from genqueue.api.deps import admin_caller
from genqueue.api.errors import error_responses
from genqueue.api.live import LiveStream
from genqueue.api.routes.events import event_message, live_stream, sse
from genqueue.engine.engine import Engine
from genqueue.realtime.hub import BATCH, Subscription

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "description": "ready, then every event of every job: created, active, progress, "
            "partial, retrying, stalled, completed, failed, cancelled.",
        },
        **error_responses(403, 422),
    },
    summary="Stream the whole event feed (SSE)",
)
async def all_events(
    request: Request,
    last_event_id: Annotated[
        str | None, Header(alias="Last-Event-ID", max_length=100, description="Resume after it.")
    ] = None,
) -> LiveStream:
    state, _ = admin_caller(request)
    if last_event_id:
        await state.engine.events_after(last_event_id, 1)  # a bad id answers 422 here
    subscription = await state.events.subscribe(everything=True)
    prelude = _prelude(state.engine, subscription, last_event_id)
    return live_stream(subscription, prelude, until_final=False)


async def _prelude(
    engine: Engine, subscription: Subscription, last_event_id: str | None
) -> AsyncGenerator[bytes | None, None]:
    if last_event_id:
        if last_event_id != subscription.start_id:
            async for message in _replay(engine, last_event_id, subscription.start_id):
                yield message
    else:
        yield sse(subscription.start_id, "ready", {"lastEventId": subscription.start_id})


async def _replay(engine: Engine, after: str, until: str) -> AsyncIterator[bytes]:
    """Every event after `after` up to and including `until` (the subscription's start)."""
    cursor = after
    while True:
        events = await engine.events_after(cursor, BATCH)
        for event in events:
            yield event_message(event)
            if event.id == until:
                return
        if len(events) < BATCH:
            return
        cursor = events[-1].id
