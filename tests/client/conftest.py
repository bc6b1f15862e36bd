"""SDK and CLI tests against real `genqueue serve` processes on loopback.

`ServeProcess` keeps its port and store across `kill()` / `start()`, so a test can take the
server away under a waiting client and bring it back. `serve` starts them (stopped after
the test); `shared_server` is one per module and store kind, each test using its own user.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from genqueue.api.auth import issue_token
from genqueue.client import AsyncClient, Client, WaitPolicy
from tests.conftest import FOREIGN_SETTINGS
from tests.redis_support import delete_prefix, free_port, new_prefix, store_url

SECRET = "client-tests-secret-long-enough-for-hs256"
READY_SECONDS = 30.0
DEADLINE_SECONDS = 20.0
FAST = WaitPolicy(retry_initial=0.05, retry_maximum=0.5, poll_initial=0.05, poll_maximum=0.3)
"""Short delays so that reconnects and polls in the tests do not dominate their time."""


def genqueue_command() -> list[str]:
    script = Path(sys.executable).parent / "genqueue"
    return [str(script)] if script.exists() else [sys.executable, "-m", "genqueue.cli"]


def client_env(**extra: str) -> dict[str, str]:
    """The environment of a genqueue process: the test's own settings only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_SETTINGS)}
    env.update(PYTHONUNBUFFERED="1", COLUMNS="200", **extra)
    return env


class ServeProcess:
    """`genqueue serve` on a fixed loopback port and store."""

    def __init__(self, folder: Path, store: str, settings: dict[str, str]) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        defaults = {
            "GENQUEUE_STORE_URL": store,
            "GENQUEUE_JWT_SECRET": SECRET,
            "GENQUEUE_WORKERS": "2",
            "GENQUEUE_LOCAL_STEP_SECONDS": "0.05",
            "GENQUEUE_SHUTDOWN_GRACE": "1",
            "GENQUEUE_SUBMIT_RATE": "off",
            "GENQUEUE_API_RATE": "off",
        }
        self.env = client_env(**{**defaults, **settings})
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("*.log")))

    def start(self) -> None:
        self.starts += 1
        log_path = self.folder / f"serve-{self.port}-{self.starts}.log"
        command = [*genqueue_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + READY_SECONDS
        while not self._ready(log_path):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"genqueue serve did not get ready:\n{self.log}")
            time.sleep(0.05)

    def _ready(self, log_path: Path) -> bool:
        """Our process answers /ready (not another one that grabbed the port first)."""
        if f"Uvicorn running on {self.url}" not in log_path.read_text(errors="replace"):
            return False
        try:
            return httpx.get(f"{self.url}/ready", timeout=1.0).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, open streams cut, running jobs left to their lease."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(15)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()

    def token(self, user: str, *, admin: bool = False) -> str:
        return issue_token(SECRET, user, admin=admin, ttl=3600)

    def client(self, user: str, *, admin: bool = False, **options: Any) -> Client:
        return Client(self.url, self.token(user, admin=admin), policy=FAST, **options)

    def async_client(self, user: str, *, admin: bool = False, **options: Any) -> AsyncClient:
        return AsyncClient(self.url, self.token(user, admin=admin), policy=FAST, **options)


StartServer = Callable[..., ServeProcess]


@pytest.fixture(params=["sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh store for one test; tests that run on Redis too parametrize it indirectly."""
    yield from _store(request, tmp_path)


def _store(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{folder / 'genqueue.db'}"
        return
    base = request.getfixturevalue("redis_url")
    prefix = new_prefix()
    try:
        yield store_url(base, prefix)
    finally:
        delete_prefix(base, prefix)


@pytest.fixture
def serve(store: str, tmp_path: Path) -> Iterator[StartServer]:
    started: list[ServeProcess] = []

    def start(**settings: str) -> ServeProcess:
        folder = tmp_path / f"server{len(started)}"
        folder.mkdir()
        server = ServeProcess(folder, store, settings)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module", params=["sqlite", "redis"])
def shared_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServeProcess]:
    """One server per module and store kind: demo jobs cost 1 credit, 100 to start with."""
    folder = tmp_path_factory.mktemp("shared")
    for store in _store(request, folder):
        server = ServeProcess(folder, store, {"GENQUEUE_COSTS": "demo=1"})
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def cli_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """One SQLite server per module, for the CLI tests."""
    folder = tmp_path_factory.mktemp("sqlite")
    server = ServeProcess(folder, f"sqlite:///{folder / 'genqueue.db'}", {})
    server.start()
    yield server
    server.stop()


@pytest.fixture
def user() -> str:
    """A user of its own for each test, so tests can share a server."""
    return f"user-{uuid.uuid4().hex[:12]}"


def eventually(check: Callable[[], object], seconds: float = DEADLINE_SECONDS) -> object:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        time.sleep(0.02)
