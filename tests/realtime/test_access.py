"""Who may connect and to what, the per-user cap, token expiry, ping, cancels and resume,
with the real python-socketio client on both stores."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import jwt
import pytest
import socketio

from tests.api.conftest import StartApi, eventually, make_token
from tests.realtime.conftest import Client, Connect, close, record, submit_demo, token

QUIET_SECONDS = 0.5


async def refused(url: str, **kwargs: Any) -> list[Any]:
    """Connects a client that must be refused; the CONNECT_ERROR payloads it got."""
    sio = socketio.AsyncClient(reconnection=False)
    client = Client(sio)
    record(sio, client)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            await sio.connect(
                url + kwargs.pop("query", ""),
                transports=["websocket"],
                socketio_path="socket.io",
                wait_timeout=10,
                **kwargs,
            )
    finally:
        await close(sio)
    return client.errors


def _codes(errors: list[Any]) -> list[str]:
    return [e["data"]["code"] for e in errors]


async def test_connect_without_a_token_is_refused(start_api: StartApi) -> None:
    api = await start_api()
    errors = await refused(api.base_url)
    assert _codes(errors) == ["unauthorized"]
    assert "missing token" in errors[0]["message"]


async def test_connect_with_a_bad_token_is_refused(start_api: StartApi) -> None:
    api = await start_api()
    forged = make_token("alice", key="not-the-secret-" * 3)
    assert _codes(await refused(api.base_url, auth={"token": forged})) == ["unauthorized"]
    expired = make_token("alice", ttl=-10)
    assert _codes(await refused(api.base_url, auth={"token": expired})) == ["unauthorized"]


async def test_a_token_in_the_query_string_only_is_refused(start_api: StartApi) -> None:
    api = await start_api()
    errors = await refused(api.base_url, query=f"?token={token()}")
    assert _codes(errors) == ["unauthorized"]
    assert "query string" in errors[0]["message"]


async def _confirmed(client: Client) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        found = [e.data for e in client.events if e.name == "connection_confirmed"]
        return found[0] if found else None

    return await eventually(check)


async def test_a_token_in_the_auth_payload_is_confirmed(
    start_api: StartApi, connect: Connect
) -> None:
    api = await start_api()
    client = await connect(api.base_url, token("alice"))
    confirmed = await _confirmed(client)
    assert confirmed["userId"] == "alice"
    assert confirmed["admin"] is False
    assert confirmed["socketId"] == client.sio.get_sid("/")
    assert confirmed["expiresAt"]


async def test_a_token_in_the_authorization_header_is_confirmed(
    start_api: StartApi, connect: Connect
) -> None:
    api = await start_api()
    client = await connect(api.base_url, headers={"Authorization": f"Bearer {token('bob')}"})
    confirmed = await _confirmed(client)
    assert confirmed["userId"] == "bob"


def _errors(client: Client) -> list[dict[str, Any]]:
    return [e.data for e in client.events if e.name == "error"]


async def test_another_users_job_and_an_unknown_job_answer_the_same(
    start_api: StartApi, connect: Connect
) -> None:
    api = await start_api()
    job_id = await submit_demo(api, "alice", steps=3, stepSeconds=0.05)
    bob = await connect(api.base_url, token("bob"))
    foreign = await bob.call("subscribe_to_job", {"jobId": job_id})
    unknown = await bob.call("subscribe_to_job", {"jobId": "no-such-job-0000"})
    assert foreign == unknown == {"ok": False, "error": "job not found"}

    async def both() -> list[dict[str, Any]] | None:
        return _errors(bob) if len(_errors(bob)) == 2 else None

    errors = await eventually(both)
    assert errors[0] == {"message": "job not found", "code": "refused", "jobId": job_id}
    assert errors[1] == {"message": "job not found", "code": "refused", "jobId": "no-such-job-0000"}
    await api.wait_for_status(job_id, {"completed"})
    await asyncio.sleep(QUIET_SECONDS)
    assert [e.name for e in bob.of_job(job_id)] == ["error"]


async def test_an_admin_may_subscribe_to_anyones_job(start_api: StartApi, connect: Connect) -> None:
    api = await start_api()
    job_id = await submit_demo(api, "alice", steps=3, stepSeconds=0.05)
    admin = await connect(api.base_url, token("root", admin=True))
    ack = await admin.call("subscribe_to_job", {"jobId": job_id})
    assert ack == {"ok": True, "jobId": job_id, "room": f"job:{job_id}"}
    events = await admin.until_final(job_id)
    assert events[-1].name == "job_completed"
    assert (await _confirmed(admin))["admin"] is True


async def test_the_per_user_cap_refuses_the_next_connection(
    start_api: StartApi, connect: Connect
) -> None:
    api = await start_api(ws_max_per_user=2)
    await connect(api.base_url, token("alice"))
    await connect(api.base_url, token("alice"))
    errors = await refused(api.base_url, auth={"token": token("alice")})
    assert _codes(errors) == ["too_many_connections"]
    bob = await connect(api.base_url, token("bob"))
    assert (await _confirmed(bob))["userId"] == "bob"


async def test_an_expiring_token_is_disconnected_at_its_expiry(
    start_api: StartApi, connect: Connect
) -> None:
    api = await start_api()
    short = make_token("alice", ttl=2)
    expires_at = float(jwt.decode(short, options={"verify_signature": False})["exp"])
    client = await connect(api.base_url, short)
    await _confirmed(client)

    async def gone() -> float | None:
        return time.time() if client.disconnects else None

    ended = await eventually(gone)
    assert expires_at - 0.1 <= ended <= expires_at + 1.5
    assert [e["code"] for e in _errors(client)] == ["token_expired"]
    assert not client.sio.connected


async def test_ping_is_acknowledged_and_answered_with_pong(
    start_api: StartApi, connect: Connect
) -> None:
    api = await start_api()
    client = await connect(api.base_url, token())
    before = int(time.time() * 1000)
    ack = await client.call("ping", {"hello": 1})
    assert before - 1000 <= ack["timestamp"] <= int(time.time() * 1000) + 1000

    async def pong() -> dict[str, Any] | None:
        found = [e.data for e in client.events if e.name == "pong"]
        return found[0] if found else None

    assert await eventually(pong) == ack


async def _progress_seen(client: Client, job_id: str, count: int) -> list[Any]:
    async def check() -> list[Any] | None:
        live = [e for e in client.of_job(job_id) if e.name == "job_progress" and not _snap(e.data)]
        return live if len(live) >= count else None

    return await eventually(check)


def _snap(data: dict[str, Any]) -> bool:
    return bool(data.get("snapshot"))


async def test_a_cancel_mid_run_ends_the_subscriber_with_job_failed_cancelled(
    start_api: StartApi, connect: Connect
) -> None:
    api = await start_api()
    job_id = await submit_demo(api, steps=100, stepSeconds=0.1)
    client = await connect(api.base_url, token())
    await client.call("subscribe_to_job", {"jobId": job_id})
    await _progress_seen(client, job_id, 2)
    response = await api.client.delete(f"/api/v1/jobs/{job_id}", headers=api.auth())
    assert response.status_code == 200, response.text
    events = await client.until_final(job_id)
    final = events[-1]
    assert final.name == "job_failed"
    assert final.data["status"] == "cancelled"
    assert final.data["error"] == "Job was cancelled"
    await asyncio.sleep(QUIET_SECONDS)
    assert client.of_job(job_id)[-1] is final
    assert [e.name for e in client.of_job(job_id)].count("job_failed") == 1


async def test_reconnect_with_last_event_id_resumes_without_gap_or_duplicate(
    start_api: StartApi, connect: Connect
) -> None:
    steps = 12
    api = await start_api()
    first = await connect(api.base_url, token())
    await first.call("subscribe_to_my_jobs")
    job_id = await submit_demo(api, steps=steps, stepSeconds=0.15)
    await _progress_seen(first, job_id, 3)
    await first.sio.disconnect()
    seen = first.of_job(job_id)
    last = seen[-1].data["eventId"]
    assert seen[-1].name == "job_progress"
    second = await connect(api.base_url, token())
    ack = await second.call("subscribe_to_job", {"jobId": job_id, "lastEventId": last})
    assert ack["ok"] is True
    rest = await second.until_final(job_id)
    union = seen + rest
    assert [e.name for e in union] == (
        ["job_status", "job_status"] + ["job_progress"] * steps + ["job_completed"]
    )
    ids = [e.data["eventId"] for e in union]
    assert len(set(ids)) == len(ids)
    progress = [e.data["progress"] for e in union if e.name == "job_progress"]
    assert progress == sorted(set(progress))
    assert not any(_snap(e.data) for e in union)
