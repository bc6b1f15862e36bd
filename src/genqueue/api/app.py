"""The ASGI app factory: routes, middleware, error mapping, and a lifespan that opens the
runtime (unless given one), the event hub and the embedded workers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from genqueue.api.errors import error_responses, install_error_handlers
from genqueue.api.middleware import BodyLimitMiddleware, GuardMiddleware
from genqueue.api.openapi import install_openapi
from genqueue.api.routes import (
    admin,
    admin_events,
    admin_jobs,
    admin_stats,
    assets,
    dashboard,
    events,
    health,
    jobs,
    metrics,
    webapp,
)
from genqueue.api.seeds import characters, library360, snap2story, stories
from genqueue.api.socketio import SocketMount, SocketServer
from genqueue.api.state import ApiState
from genqueue.api.timing import HttpTimingMiddleware, HttpTimings
from genqueue.bootstrap import Runtime, open_runtime
from genqueue.config import Settings
from genqueue.realtime.hub import EventHub
from genqueue.worker.runner import Worker, WorkerOptions

log = logging.getLogger("genqueue.api")

DESCRIPTION = """Long-running generation jobs: submit (202 + job id), then poll or stream.

Every /api/ route needs `Authorization: Bearer <JWT>` (`sub` = user id, `exp`;
`role: admin` for admin routes). Answers use the envelope
`{success, statusCode, message, data}`, errors included.
"""


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    apps: Sequence[str] = (),
    workers: int | None = None,
) -> FastAPI:
    """The API. Given `runtime`, it serves that one (and leaves it open at shutdown);
    otherwise its lifespan opens one from `settings`. `workers` embedded worker slots
    (default GENQUEUE_WORKERS; 0 = API only) run in the same event loop."""
    settings = settings or (runtime.settings if runtime is not None else Settings())
    state = ApiState(settings)
    slots = settings.embedded_workers if workers is None else workers

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            active = runtime
            if active is None:
                active = await stack.enter_async_context(open_runtime(settings, apps))
            hub = EventHub(active.engine)
            await hub.start()
            stack.push_async_callback(hub.stop)
            state.attach(active, hub)
            stack.callback(state.detach)
            if slots > 0:
                await stack.enter_async_context(_embedded_worker(active, slots))
            yield

    app = FastAPI(
        title="genqueue",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        responses=error_responses(401, 429, 503),
    )
    app.state.api = state
    app.state.http_timings = timings = HttpTimings()
    install_error_handlers(app)
    install_openapi(app)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(assets.router)
    dashboard.install(app)
    webapp.install(app)
    seed_routers = (characters.router, library360.router, stories.router, snap2story.router)
    admin_routers = (admin.router, admin_jobs.router, admin_stats.router, admin_events.router)
    api_routers = (jobs.router, events.router, *admin_routers, *seed_routers)
    for router in api_routers:
        app.include_router(router, responses=error_responses(400, 401, 413, 422, 429, 503))
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(GuardMiddleware, state=state)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"],
            max_age=600,
        )
    routes = [
        r
        for router in (health.router, metrics.router, assets.router, *api_routers)
        for r in router.routes
    ]
    app.add_middleware(HttpTimingMiddleware, timings=timings, routes=routes)
    app.state.socketio = socket_server = SocketServer(state)
    app.add_middleware(SocketMount, server=socket_server)
    return app


@contextlib.asynccontextmanager
async def _embedded_worker(runtime: Runtime, concurrency: int) -> AsyncIterator[Worker]:
    options = WorkerOptions(shutdown_grace_seconds=runtime.settings.shutdown_grace_seconds)
    worker = Worker(
        runtime.engine,
        runtime.registry,
        concurrency=concurrency,
        queues=runtime.settings.queues or None,
        options=options,
    )
    task = asyncio.create_task(worker.run())
    log.info("embedded worker %s runs %d job(s) at once", worker.id, concurrency)
    try:
        yield worker
    finally:
        worker.stop()
        await task
