"""HTTP request durations of this process, for /metrics: pure ASGI middleware.

Labels are bounded whatever clients send: the route's template (`/api/v1/jobs/{job_id}`),
never the raw path; a method outside the standard ones is `other`; a path no route serves
is `unmatched`. Requests answered before routing (401, 413, 429 from the guards) are
matched against the routes here, so they land on their route's template too.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Sequence

from prometheus_client import Histogram
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"


class HttpTimings:
    """The histogram of one app; registered in each scrape's registry, not a global one."""

    def __init__(self) -> None:
        self.histogram = Histogram(
            "genqueue_http_request_duration_seconds",
            "HTTP requests served by this API process, from arrival to the last byte sent.",
            labelnames=("method", "route", "status"),
            registry=None,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else "other"
        self.histogram.labels(method, route, str(status)).observe(seconds)


class HttpTimingMiddleware:
    def __init__(self, app: ASGIApp, timings: HttpTimings, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.timings = timings
        self.routes = routes
        """The app's routes as its routers declare them (each with its full path)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        def send_noting_status(message: Message) -> Awaitable[None]:
            # returns `send`'s own awaitable: no coroutine of its own per body chunk (an
            # event stream sends thousands)
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            return send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            seconds = time.perf_counter() - start
            self.timings.observe(scope["method"], self._route(scope), status, seconds)

    def _route(self, scope: Scope) -> str:
        """The template of the route that served the request (routing leaves it in the
        scope), else of the first route whose path matches."""
        served = scope.get("route")
        if isinstance(served, BaseRoute):
            return _template(served)
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return _template(route)
        return UNMATCHED


def _template(route: BaseRoute) -> str:
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED
