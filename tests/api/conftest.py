"""API tests through real HTTP: uvicorn serves the app on a free loopback port inside the
test's event loop, and httpx talks to it. Every store kind in STORE_KINDS runs them all."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import jwt
import pytest
import uvicorn
from fastapi import FastAPI

from genqueue.api import create_app
from genqueue.config import Settings
from tests.conftest import FOREIGN_SETTINGS
from tests.redis_support import delete_prefix, new_prefix
from tests.redis_support import store_url as redis_store_url

T = TypeVar("T")

STORE_KINDS = ["sqlite", "redis"]
SECRET = "test-secret-that-is-long-enough-for-hs256"
STEP_SECONDS = "0.02"
DEADLINE_SECONDS = 15.0


def make_token(
    sub: str | None = "alice",
    *,
    admin: bool = False,
    key: Any = SECRET,
    algorithm: str = "HS256",
    ttl: float | None = 600.0,
    headers: dict[str, Any] | None = None,
    **claims: Any,
) -> str:
    payload: dict[str, Any] = dict(claims)
    if sub is not None:
        payload["sub"] = sub
    if ttl is not None:
        payload["exp"] = int(time.time() + ttl)
    if admin:
        payload["role"] = "admin"
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Api:
    base_url: str
    client: httpx.AsyncClient
    settings: Settings
    app: FastAPI

    def auth(self, user: str = "alice", *, admin: bool = False) -> dict[str, str]:
        return bearer(make_token(user, admin=admin))

    async def submit(self, user: str = "alice", **body: Any) -> httpx.Response:
        body.setdefault("type", "demo")
        headers = self.auth(user)
        key = body.pop("idempotency_key", None)
        if key is not None:
            headers["Idempotency-Key"] = key
        return await self.client.post("/api/v1/jobs", json=body, headers=headers)

    async def job(self, job_id: str, user: str = "alice") -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/jobs/{job_id}", headers=self.auth(user))
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def wait_for_status(
        self, job_id: str, statuses: set[str], user: str = "alice"
    ) -> dict[str, Any]:
        async def check() -> dict[str, Any] | None:
            job = await self.job(job_id, user)
            return job if job["status"] in statuses else None

        return await eventually(check)

    async def balance(self, user: str = "alice") -> int:
        response = await self.client.get("/api/v1/me/credits", headers=self.auth(user))
        assert response.status_code == 200, response.text
        return int(response.json()["data"]["balance"])


async def eventually(check: Callable[[], Awaitable[T | None]]) -> T:
    """Poll `check` until it returns something, with a deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        result = await check()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(0.02)


@pytest.fixture(params=STORE_KINDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The store under test, one fresh store per test: a SQLite file, or a fresh prefix on
    the test Redis (its keys deleted afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'api.db'}"
        return
    base = request.getfixturevalue("redis_url")
    prefix = new_prefix()
    try:
        yield redis_store_url(base, prefix)
    finally:
        delete_prefix(base, prefix)


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


StartApi = Callable[..., Awaitable[Api]]


@pytest.fixture
async def start_api(
    store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[StartApi]:
    """Starts an API server with settings overrides (Settings field names); stops them all."""
    monkeypatch.setenv("GENQUEUE_LOCAL_STEP_SECONDS", STEP_SECONDS)
    running: list[tuple[uvicorn.Server, asyncio.Task[None], httpx.AsyncClient]] = []

    async def start(
        extend: Callable[[FastAPI], None] | None = None,
        *,
        send_buffer: int | None = None,
        **overrides: Any,
    ) -> Api:
        """`send_buffer` fixes the SO_SNDBUF of the server's connections (accepted sockets
        inherit it from the listening one), instead of the kernel's autotuned buffer."""
        values: dict[str, Any] = {
            "store_url": store_url,
            "jwt_secret": SECRET,
            "embedded_workers": 4,
            "submit_rate": "100000/minute",
            "api_rate": "100000/minute",
            "shutdown_grace_seconds": 1.0,
            "local_step_seconds": float(STEP_SECONDS),
            "assets_dir": str(tmp_path / "assets"),
        }
        values.update(overrides)
        settings = Settings(**values)
        app = create_app(settings)
        if extend is not None:
            extend(app)
        config = uvicorn.Config(
            app,
            log_config=None,
            access_log=False,
            lifespan="on",
            ws="websockets-sansio",
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        sock = free_socket()
        if send_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        await eventually(lambda: _started(server, task))
        port = sock.getsockname()[1]
        base_url = f"http://127.0.0.1:{port}"
        client = httpx.AsyncClient(base_url=base_url, timeout=10.0)
        running.append((server, task, client))
        return Api(base_url, client, settings, app)

    yield start
    for server, task, client in running:
        await client.aclose()
        server.should_exit = True
        await asyncio.wait_for(task, 15)


async def _started(server: uvicorn.Server, task: asyncio.Task[None]) -> bool | None:
    if task.done():
        task.result()
        raise AssertionError("the server stopped during startup")
    return True if server.started else None


@pytest.fixture
async def api(start_api: StartApi) -> Api:
    return await start_api()


@dataclass
class SseEvent:
    id: str | None
    event: str | None
    data: Any


async def read_sse(response: httpx.Response) -> list[SseEvent]:
    """Every event of a stream, until the server closes it."""
    events: list[SseEvent] = []
    current: dict[str, str] = {}
    async for line in response.aiter_lines():
        if not line:
            if "data" in current:
                data = json.loads(current["data"])
                events.append(SseEvent(current.get("id"), current.get("event"), data))
            current = {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        current[name] = value.removeprefix(" ")
    return events


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path


@contextlib.contextmanager
def serve_process(folder: Path, env: dict[str, str]) -> Iterator[Served]:
    """`genqueue serve` as a subprocess on a free port, ready; stopped with SIGTERM after."""
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_SETTINGS)}
    full_env.update(
        {
            "GENQUEUE_LOCAL_STEP_SECONDS": STEP_SECONDS,
            "GENQUEUE_SHUTDOWN_GRACE": "1",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
    )
    log_path = folder / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*_genqueue(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=full_env,
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        served = Served(f"http://127.0.0.1:{port}", process, log_path)
        try:
            _wait_ready(served)
            yield served
        finally:
            process.terminate()
            process.wait(15)


def _genqueue() -> list[str]:
    script = Path(sys.executable).parent / "genqueue"
    return [str(script)] if script.exists() else [sys.executable, "-m", "genqueue.cli"]


def _wait_ready(served: Served) -> None:
    deadline = time.monotonic() + 30.0
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            log = served.log_path.read_text()
            raise AssertionError(f"genqueue serve exited with {served.process.returncode}: {log}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{served.url}/ready", timeout=1.0).status_code == 200:
                return
        time.sleep(0.05)
    raise AssertionError("genqueue serve was not ready within 30 s")


async def submit_instant_demos(api: Api, jobs: int, steps: int) -> list[str]:
    """`jobs` demo jobs of `steps` steps that take no time each; their ids in order."""
    ids = []
    for _ in range(jobs):
        response = await api.submit(data={"steps": steps, "stepSeconds": 0})
        assert response.status_code == 202, response.text
        ids.append(response.json()["data"]["jobId"])
    return ids
