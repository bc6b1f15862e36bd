"""What the app holds while it runs, kept on `app.state.api` (no module globals)."""

from __future__ import annotations

import asyncio

from genqueue.api.auth import Authenticator
from genqueue.api.completion import CompletionEstimator
from genqueue.api.limits import RateLimiter
from genqueue.api.waits import WaitEstimator
from genqueue.bootstrap import Runtime
from genqueue.config import Settings, parse_rate
from genqueue.engine.engine import Engine
from genqueue.engine.errors import StoreUnavailable
from genqueue.engine.store import Store
from genqueue.realtime.hub import EventHub


class ApiState:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.authenticator = Authenticator(settings)
        self.runtime: Runtime | None = None
        self.hub: EventHub | None = None
        self.submit_limiter: RateLimiter | None = None
        self.api_limiter: RateLimiter | None = None
        self.waits: WaitEstimator | None = None
        self.completion: CompletionEstimator | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, runtime: Runtime, hub: EventHub) -> None:
        self.runtime = runtime
        self.hub = hub
        self._loop = asyncio.get_running_loop()
        self.waits = WaitEstimator(runtime.engine)
        self.completion = CompletionEstimator(runtime.engine, self.waits)
        self.submit_limiter = _limiter(runtime.engine.store, "submit", self.settings.submit_rate)
        self.api_limiter = _limiter(runtime.engine.store, "api", self.settings.api_rate)

    def end_streams(self) -> None:
        """Called from a signal handler when the server begins to stop: ends every open
        event stream on the loop's own thread, so the shutdown need not wait for them."""
        hub, loop = self.hub, self._loop
        if hub is not None and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(hub.end_all)

    def detach(self) -> None:
        self.runtime = None
        self.hub = None
        self.submit_limiter = self.api_limiter = None
        self.waits = None
        self.completion = None

    @property
    def engine(self) -> Engine:
        if self.runtime is None:
            raise StoreUnavailable("the API is not started")
        return self.runtime.engine

    @property
    def events(self) -> EventHub:
        if self.hub is None:
            raise StoreUnavailable("the API is not started")
        return self.hub

    @property
    def completion_estimator(self) -> CompletionEstimator:
        if self.completion is None:
            raise StoreUnavailable("the API is not started")
        return self.completion

    @property
    def wait_estimator(self) -> WaitEstimator:
        if self.waits is None:
            raise StoreUnavailable("the API is not started")
        return self.waits


def _limiter(store: Store, bucket: str, rate: str) -> RateLimiter | None:
    """None when the rate is `off`."""
    parsed = parse_rate(rate)
    return None if parsed is None else RateLimiter(store, bucket, *parsed)
