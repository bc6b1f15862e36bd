"""HTTP helpers for `api_load.py`: HS256 tokens made with the standard library, a probe that
checks a server answers the two routes as genqueue does, and the seeding of one job per user
for the status-read cells (plain `http.client`, a few threads, one connection each)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

TOKEN_HOURS = 6
SEED_THREADS = 8
HTTP_TIMEOUT = 30.0


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hs256_token(secret: str, sub: str, lifetime_seconds: float, *, admin: bool = False) -> str:
    """A compact JWS as genqueue checks it: HS256, `sub` and `exp` (and `role: admin`)."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims: dict[str, Any] = {"sub": sub, "exp": int(time.time() + lifetime_seconds)}
    if admin:
        claims["role"] = "admin"
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def user_tokens(secret: str, users: int) -> list[str]:
    return [hs256_token(secret, f"bench-u{n:04d}", TOKEN_HOURS * 3600) for n in range(users)]


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


class ProbeError(RuntimeError):
    """The server did not answer a route the way the benchmark needs (so its figures would
    measure error answers, not the route)."""


def call(
    conn: http.client.HTTPConnection, method: str, path: str, token: str, body: Any = None
) -> Answer:
    headers = {"Authorization": f"Bearer {token}"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw[:200].decode(errors="replace")
    return Answer(response.status, parsed)


def submit_job(conn: http.client.HTTPConnection, token: str, job_type: str) -> str:
    answer = call(conn, "POST", "/api/v1/jobs", token, {"type": job_type, "data": {"steps": 1}})
    if answer.status != 202:
        raise ProbeError(f"POST /api/v1/jobs answered {answer.status}: {answer.body}")
    try:
        return str(answer.body["data"]["jobId"])
    except (KeyError, TypeError) as exc:
        raise ProbeError(f"POST /api/v1/jobs answered no data.jobId: {answer.body}") from exc


def probe(port: int, token: str, job_type: str) -> None:
    """One submission and one read of it, answered 202 and 200, or ProbeError."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        job_id = submit_job(conn, token, job_type)
        answer = call(conn, "GET", f"/api/v1/jobs/{job_id}", token)
        if answer.status != 200:
            raise ProbeError(f"GET /api/v1/jobs/{{id}} answered {answer.status}: {answer.body}")
    finally:
        conn.close()


def seed_jobs(port: int, tokens: Sequence[str], job_type: str) -> list[tuple[str, str]]:
    """Submit one job per token; (token, jobId) pairs in token order."""
    local = threading.local()
    opened: list[http.client.HTTPConnection] = []

    def one(token: str) -> tuple[str, str]:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
            opened.append(local.conn)
        return token, submit_job(local.conn, token, job_type)

    try:
        with ThreadPoolExecutor(SEED_THREADS) as pool:
            return list(pool.map(one, tokens))
    finally:
        for conn in opened:
            conn.close()


def pending_jobs(port: int, admin_token: str) -> int | None:
    """Jobs waiting in every queue, from `GET /api/v1/queues`; None where there is no such
    route (the bare references)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        answer = call(conn, "GET", "/api/v1/queues", admin_token)
    finally:
        conn.close()
    if answer.status != 200:
        return None
    try:
        return sum(int(queue["counts"]["pending"]) for queue in answer.body["data"])
    except (KeyError, TypeError, ValueError):
        return None
