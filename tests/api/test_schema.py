"""Schemathesis against the live schema of a real `genqueue serve` process: generated
requests (valid and invalid) to every operation never get a 5xx, and every answer
matches the documented status codes, content types and bodies."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.schemas import BaseSchema

from tests.conftest import FOREIGN_SETTINGS

from .conftest import SECRET, free_socket, make_token

MAX_EXAMPLES = 25
START_SECONDS = 30.0
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _genqueue() -> list[str]:
    script = Path(sys.executable).parent / "genqueue"
    return [str(script)] if script.exists() else [sys.executable, "-m", "genqueue.cli"]


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `genqueue serve` subprocess on a free port, stopped (SIGTERM) afterwards."""
    folder = tmp_path_factory.mktemp("schema")
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_SETTINGS)}
    env.update(
        GENQUEUE_STORE_URL=f"sqlite:///{folder / 'schema.db'}",
        GENQUEUE_JWT_SECRET=SECRET,
        GENQUEUE_WORKERS="2",
        GENQUEUE_LOCAL_STEP_SECONDS="0.01",
        GENQUEUE_SUBMIT_RATE="off",
        GENQUEUE_API_RATE="off",
        GENQUEUE_SHUTDOWN_GRACE="1",
    )
    log = (folder / "serve.log").open("wb")
    process = subprocess.Popen(
        [*_genqueue(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(15)
        log.close()
        assert b"Traceback" not in (folder / "serve.log").read_bytes()


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"genqueue serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/ready", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError("genqueue serve was not ready in time")


@pytest.fixture(scope="module")
def live_schema(live_url: str) -> BaseSchema:
    return schemathesis.openapi.from_url(f"{live_url}/openapi.json")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_conforms_and_never_fails_on_the_server(
    live_schema: BaseSchema, mode: GenerationMode
) -> None:
    """Each operation in turn (schemathesis's pytest plugin does not load on pytest 9)."""
    token = make_token("schema-admin", admin=True, ttl=3600)
    headers = {"Authorization": f"Bearer {token}"}
    labels = []
    for result in live_schema.get_all_operations():
        operation = result.ok()

        @given(operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            # nothing invalid to send: the operation takes no input
            assert mode is GenerationMode.NEGATIVE, operation.label
            continue
        labels.append(operation.label)
    assert "POST /api/v1/jobs" in labels
    assert len(labels) >= (13 if mode is GenerationMode.POSITIVE else 9)


def test_the_serve_process_starts_fast_and_answers_without_a_token(live_url: str) -> None:
    started = time.monotonic()
    assert httpx.get(f"{live_url}/health", timeout=5).json() == {"status": "ok"}
    assert time.monotonic() - started < 1.0
    assert httpx.get(f"{live_url}/api/v1/jobs", timeout=5).status_code == 401
