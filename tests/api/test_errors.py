"""Every error status the API answers, each in the envelope, none of them a 500."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from .conftest import Api, StartApi


def _envelope(body: dict[str, object], status: int) -> None:
    assert body["success"] is False
    assert body["statusCode"] == status
    assert isinstance(body["message"], str)
    assert "Traceback" not in str(body)


async def test_malformed_json_is_400(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/jobs",
        content=b'{"type": "demo", ',
        headers={**api.auth(), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    _envelope(response.json(), 400)


async def test_not_enough_credits_is_402_with_balance_and_cost(start_api: StartApi) -> None:
    api = await start_api(costs={"demo": 4}, initial_credits=6, embedded_workers=0)
    assert (await api.submit(data={"steps": 1})).status_code == 202
    refused = await api.submit(data={"steps": 1})
    assert refused.status_code == 402
    body = refused.json()
    _envelope(body, 402)
    assert body["data"]["balance"] == 2
    assert body["data"]["cost"] == 4
    assert await api.balance() == 2


async def test_unknown_jobs_routes_and_methods_are_404_and_405(api: Api) -> None:
    missing = await api.client.get("/api/v1/jobs/no-such-job", headers=api.auth())
    assert missing.status_code == 404
    _envelope(missing.json(), 404)
    route = await api.client.get("/api/v1/nothing/here", headers=api.auth())
    assert route.status_code == 404
    _envelope(route.json(), 404)
    outside = await api.client.get("/nothing")
    assert outside.status_code == 404
    _envelope(outside.json(), 404)
    method = await api.client.put("/api/v1/jobs", headers=api.auth())
    assert method.status_code == 405
    _envelope(method.json(), 405)


async def test_retrying_a_job_that_has_not_ended_is_409(start_api: StartApi) -> None:
    api = await start_api(embedded_workers=0)
    job_id = (await api.submit(data={"steps": 1})).json()["data"]["jobId"]
    response = await api.client.post(f"/api/v1/jobs/{job_id}/retry", headers=api.auth())
    assert response.status_code == 409
    _envelope(response.json(), 409)
    assert response.json()["data"]["state"] == "pending"


async def test_bodies_over_the_limit_are_413_by_length_or_chunked(start_api: StartApi) -> None:
    api = await start_api(max_body_bytes=1000)
    big = b'{"type": "demo", "data": {"pad": "' + b"x" * 2000 + b'"}}'
    headers = {**api.auth(), "Content-Type": "application/json"}
    declared = await api.client.post("/api/v1/jobs", content=big, headers=headers)
    assert declared.status_code == 413
    _envelope(declared.json(), 413)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 100):
            yield big[start : start + 100]

    chunked = await api.client.post("/api/v1/jobs", content=chunks(), headers=headers)
    assert chunked.status_code == 413
    _envelope(chunked.json(), 413)

    async def small() -> AsyncIterator[bytes]:
        yield b'{"type": "demo", '
        yield b'"data": {"steps": 1}}'

    accepted = await api.client.post("/api/v1/jobs", content=small(), headers=headers)
    assert accepted.status_code == 202


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "demo", "owner": "mallory"}, "body.owner"),
        ({"type": "demo", "cost": 0}, "body.cost"),
        ({"type": "demo", "status": "completed"}, "body.status"),
        ({"type": "demo", "attemptsMade": 0}, "body.attemptsMade"),
        ({"type": "demo", "priority": 0}, "body.priority"),
        ({"type": "demo", "priority": "high"}, "body.priority"),
        ({"type": "demo", "delaySeconds": -1}, "body.delaySeconds"),
        ({"type": "demo", "tags": {"a": 1}}, "body.tags.a"),
        ({"data": {}}, "body.type"),
    ],
)
async def test_invalid_or_server_owned_fields_are_422_with_field_errors(
    api: Api, body: dict[str, object], field: str
) -> None:
    response = await api.client.post("/api/v1/jobs", json=body, headers=api.auth())
    assert response.status_code == 422
    answer = response.json()
    _envelope(answer, 422)
    assert field in [e["field"] for e in answer["data"]["errors"]]


async def test_engine_refusals_are_422(api: Api) -> None:
    unknown = await api.submit(type="no-such-type")
    assert unknown.status_code == 422
    assert "unknown job type" in unknown.json()["message"]
    bad_data = await api.submit(data={"steps": -1})
    assert bad_data.status_code == 422
    assert "invalid job data" in bad_data.json()["message"]
    too_many_tags = await api.submit(tags={str(i): "v" for i in range(21)})
    assert too_many_tags.status_code == 422
    first = await api.submit(data={"steps": 1}, idempotency_key="k")
    assert first.status_code == 202
    conflict = await api.submit(data={"steps": 2}, idempotency_key="k")
    assert conflict.status_code == 422
    _envelope(conflict.json(), 422)


async def test_submissions_over_the_rate_are_429_across_api_processes(
    start_api: StartApi,
) -> None:
    first = await start_api(submit_rate="3/minute", embedded_workers=0)
    second = await start_api(submit_rate="3/minute", embedded_workers=0)
    answers = [await api.submit(data={"steps": 1}) for api in (first, second, first)]
    assert [a.status_code for a in answers] == [202, 202, 202]
    refused = await second.submit(data={"steps": 1})
    assert refused.status_code == 429
    _envelope(refused.json(), 429)
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert (await first.submit("bob", data={"steps": 1})).status_code == 202
    # reads have their own budget
    assert (await first.client.get("/api/v1/jobs", headers=first.auth())).status_code == 200


async def test_other_routes_over_the_api_rate_are_429(start_api: StartApi) -> None:
    api = await start_api(api_rate="5/minute", embedded_workers=0)
    codes = [
        (await api.client.get("/api/v1/me/credits", headers=api.auth())).status_code
        for _ in range(6)
    ]
    assert codes == [200] * 5 + [429]
    assert (await api.client.get("/health")).status_code == 200


async def test_cors_follows_cors_origins(start_api: StartApi) -> None:
    closed = await start_api()
    same_origin = await closed.client.get(
        "/api/v1/me/credits", headers={**closed.auth(), "Origin": "https://app.test"}
    )
    assert "access-control-allow-origin" not in same_origin.headers
    opened = await start_api(cors_origins=["https://app.test"])
    preflight = await opened.client.options(
        "/api/v1/jobs",
        headers={
            "Origin": "https://app.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.test"
    answer = await opened.client.get(
        "/api/v1/me/credits", headers={**opened.auth(), "Origin": "https://app.test"}
    )
    assert answer.headers["access-control-allow-origin"] == "https://app.test"
    unauthorized = await opened.client.get(
        "/api/v1/me/credits", headers={"Origin": "https://app.test"}
    )
    assert unauthorized.status_code == 401
    assert unauthorized.headers["access-control-allow-origin"] == "https://app.test"


async def test_an_unreachable_store_is_503(start_api: StartApi) -> None:
    api = await start_api(embedded_workers=0)
    api.app.state.api.engine.store.db.close()
    ready = await api.client.get("/ready")
    assert ready.status_code == 503
    _envelope(ready.json(), 503)
    job = await api.client.get("/api/v1/jobs/any", headers=api.auth())
    assert job.status_code == 503
    assert job.headers["retry-after"] == "1"


async def test_a_bug_answers_a_generic_500_without_details(start_api: StartApi) -> None:
    def add_broken_route(app: FastAPI) -> None:
        async def broken() -> None:
            raise RuntimeError("secret internals")

        app.add_api_route("/api/v1/broken", broken)

    api = await start_api(extend=add_broken_route)
    response = await api.client.get("/api/v1/broken", headers=api.auth())
    assert response.status_code == 500
    _envelope(response.json(), 500)
    assert "secret internals" not in response.text


async def test_text_that_is_not_unicode_never_breaks_an_answer(api: Api) -> None:
    lone = "\ud800"
    headers = {**api.auth(), "Content-Type": "application/json"}
    for body in (
        {"type": "demo", "data": {"steps": lone}},
        {"type": "demo", "tags": {"name": lone}},
        {"type": lone},
    ):
        content = json.dumps(body).encode()  # ASCII JSON, the surrogate as an escape
        response = await api.client.post("/api/v1/jobs", content=content, headers=headers)
        assert response.status_code == 422
        _envelope(response.json(), 422)
