"""Schemathesis against the live schema of a real `genqueue serve` process: generated
requests (valid and invalid) to every operation never get a 5xx, and every answer
matches the documented status codes, content types and bodies."""

from __future__ import annotations

import time
from collections.abc import Iterator

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

from .conftest import SECRET, make_token, serve_process

MAX_EXAMPLES = 25
ENDLESS = {"GET /api/v1/admin/events"}
"""Streams that never end by design (tested in test_admin_stats.py): a call reads no end."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("schema")
    env = {
        "GENQUEUE_STORE_URL": f"sqlite:///{folder / 'schema.db'}",
        "GENQUEUE_JWT_SECRET": SECRET,
        "GENQUEUE_WORKERS": "2",
        "GENQUEUE_SUBMIT_RATE": "off",
        "GENQUEUE_API_RATE": "off",
    }
    with serve_process(folder, env) as served:
        yield served.url
    assert b"Traceback" not in served.log_path.read_bytes()


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
        if operation.label in ENDLESS:
            continue

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
