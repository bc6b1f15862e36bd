"""`GET /metrics`: Prometheus text for admins, or for anyone with GENQUEUE_METRICS_PUBLIC=true.

It sits outside /api/, so `GuardMiddleware` does not authenticate it: the route does, by
the same rules (an admin Bearer token or the dashboard's cookie).
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from genqueue.api.deps import app_state, page_admin
from genqueue.api.errors import error_responses
from genqueue.api.metrics import read_snapshot, render
from genqueue.api.timing import HttpTimings
from genqueue.engine.errors import StoreUnavailable

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"},
        **error_responses(401, 403, 503),
    },
    summary="Prometheus metrics (admin token unless GENQUEUE_METRICS_PUBLIC=true)",
)
async def metrics(request: Request) -> Response:
    state = app_state(request)
    if not state.settings.metrics_public:
        await page_admin(request)
    seconds = state.settings.metrics_timeout_seconds
    try:
        async with asyncio.timeout(seconds):
            snapshot = await read_snapshot(state.engine)
    except TimeoutError:
        raise StoreUnavailable(f"the store did not answer /metrics within {seconds:g}s") from None
    timings: HttpTimings = request.app.state.http_timings
    return Response(render(snapshot, timings), media_type=CONTENT_TYPE_LATEST)
