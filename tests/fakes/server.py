"""The part both fakes share: a Starlette app served by uvicorn in a thread on a free
loopback port, and the knobs tests turn (scripted failures, a delay, counts, a record of
every request)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Self

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Endpoint = Callable[[Request, "Recorded"], Awaitable[Response]]
START_SECONDS = 10.0


@dataclass(frozen=True)
class Recorded:
    """One request as the fake received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    """`time.monotonic()` when it arrived."""

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class ScriptedFailure:
    """Answer the next `remaining` matching calls with this status, body and headers."""

    remaining: int
    status: int
    body: bytes
    headers: dict[str, str]
    path: str | None


@dataclass
class FakeServer:
    """Base of the fakes. `base_url` is set once `serve()` has started it.

    Knobs, all safe to turn from any thread while it runs:
    - `fail_next(count, status, ...)`: the next `count` calls (to `path` if given) get
      that answer instead of the real one (a 200 with `body=b"{oops"` is malformed JSON);
    - `delay`: seconds every answer waits before it is sent (for client timeouts);
    - `api_key`: the Bearer token a request must carry, else 401 (None accepts any);
    - `requests` / `count(path)`: what was asked, in order.
    """

    api_key: str | None = "test-key"
    delay: float = 0.0
    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    _failures: list[ScriptedFailure] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- knobs --------------------------------------------------------------------------

    def fail_next(
        self,
        count: int,
        status: int = 500,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        path: str | None = None,
    ) -> None:
        payload = body if body is not None else error_body(f"scripted failure {status}")
        with self._lock:
            self._failures.append(ScriptedFailure(count, status, payload, headers or {}, path))

    def count(self, path: str | None = None, method: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (path is None or r.path == path) and (method is None or r.method == method)
            )

    def recorded(self, path: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def reset(self) -> None:
        """Every knob back to its default, the record and the scripted failures emptied."""
        with self._lock:
            for knob in fields(self):
                if knob.name == "base_url" or knob.name.startswith("_"):
                    continue
                if knob.default is not MISSING:
                    setattr(self, knob.name, knob.default)
                elif knob.default_factory is not MISSING:
                    setattr(self, knob.name, knob.default_factory())
            self._failures.clear()

    # -- serving ------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        """The fake's endpoints; subclasses list theirs through `route`."""
        raise NotImplementedError

    def route(self, path: str, endpoint: Endpoint, method: str) -> Route:
        async def handle(request: Request) -> Response:
            body = await request.body()
            recorded = Recorded(
                request.method, request.url.path, dict(request.headers), body, time.monotonic()
            )
            with self._lock:
                self.requests.append(recorded)
                delay = self.delay
            # The answer is chosen on arrival: a delayed call never takes a failure
            # scripted after it came in (by the next test, say).
            refused = self._refusal(recorded)
            if delay > 0:
                await asyncio.sleep(delay)
            return refused if refused is not None else await endpoint(request, recorded)

        return Route(path, handle, methods=[method])

    def _refusal(self, recorded: Recorded) -> Response | None:
        with self._lock:
            for failure in self._failures:
                if failure.remaining > 0 and failure.path in (None, recorded.path):
                    failure.remaining -= 1
                    return Response(
                        failure.body,
                        failure.status,
                        headers=failure.headers,
                        media_type="application/json",
                    )
        expected = None if self.api_key is None else f"Bearer {self.api_key}"
        if expected is not None and recorded.headers.get("authorization") != expected:
            return error(401, "Incorrect API key provided.", "invalid_request_error")
        return None

    @contextmanager
    def serve(self) -> Iterator[Self]:
        """Serve on a free loopback port in a thread of its own until the block ends."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            Starlette(routes=self.routes()),
            log_config=None,
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=lambda: asyncio.run(server.serve(sockets=[sock])),
            name=f"fake-{type(self).__name__}",
            daemon=True,
        )
        thread.start()
        deadline = time.monotonic() + START_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{type(self).__name__} did not start")
            time.sleep(0.01)
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        try:
            yield self
        finally:
            server.should_exit = True
            thread.join(10)
            sock.close()


def error_body(message: str, kind: str = "server_error") -> bytes:
    """An error in OpenAI's shape: `{"error": {"message", "type", "code"}}`."""
    return json.dumps({"error": {"message": message, "type": kind, "code": None}}).encode()


def error(status: int, message: str, kind: str = "invalid_request_error") -> Response:
    return Response(error_body(message, kind), status, media_type="application/json")


def json_answer(payload: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status)
