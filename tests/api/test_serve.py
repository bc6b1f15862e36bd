"""`genqueue serve` as a newcomer runs it: no secret set, so it prints tokens that work."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx

from genqueue.api.auth import issue_token

from .conftest import serve_process

TOKEN_LINE = re.compile(r"^(user|admin) token \(sub [\w-]+\): +(\S+)$", re.MULTILINE)


def test_serve_without_a_secret_prints_working_user_and_admin_tokens(tmp_path: Path) -> None:
    env = {"GENQUEUE_STORE_URL": f"sqlite:///{tmp_path / 'serve.db'}", "GENQUEUE_WORKERS": "1"}
    with serve_process(tmp_path, env) as served:
        tokens = dict(TOKEN_LINE.findall(served.log_path.read_text()))
        assert set(tokens) == {"user", "admin"}
        assert "curl -s -X POST" in served.log_path.read_text()
        user = {"Authorization": f"Bearer {tokens['user']}"}
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        with httpx.Client(base_url=served.url, timeout=5) as client:
            submitted = client.post("/api/v1/jobs", json={"type": "demo"}, headers=user)
            assert submitted.status_code == 202
            status_url = submitted.json()["data"]["statusUrl"]
            deadline = time.monotonic() + 15
            status = ""
            while status != "completed" and time.monotonic() < deadline:
                status = client.get(status_url, headers=user).json()["data"]["status"]
                time.sleep(0.02)
            assert status == "completed"
            assert client.get("/api/v1/queues", headers=user).status_code == 403
            assert client.get("/api/v1/queues", headers=admin).status_code == 200
        served.process.terminate()
        # uvicorn shuts down cleanly, then re-raises the SIGTERM it caught
        assert served.process.wait(15) in (0, -15)
    log = served.log_path.read_text()
    assert "Application shutdown complete" in log
    assert "Traceback" not in log
    assert "GET /api/v1" not in log  # no access log by default


def test_sigterm_ends_open_event_streams_at_once(tmp_path: Path) -> None:
    """An SSE client must not hold a stopping server for uvicorn's whole graceful timeout."""
    secret = "serve-test-secret-long-enough-for-hs256"
    env = {
        "GENQUEUE_STORE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "GENQUEUE_WORKERS": "0",
        "GENQUEUE_JWT_SECRET": secret,
        "GENQUEUE_SHUTDOWN_GRACE": "10",
    }
    user = {"Authorization": f"Bearer {issue_token(secret, 'alice', ttl=600)}"}
    with serve_process(tmp_path, env) as served, httpx.Client(base_url=served.url) as client:
        job_id = client.post("/api/v1/jobs", json={"type": "demo"}, headers=user).json()["data"][
            "jobId"
        ]
        with client.stream("GET", f"/api/v1/jobs/{job_id}/events", headers=user) as stream:
            lines = stream.iter_lines()
            assert next(lines).startswith("id: ")
            started = time.monotonic()
            served.process.terminate()
            assert served.process.wait(10) in (0, -15)
            stopped_after = time.monotonic() - started
    # without ending the streams it waited GENQUEUE_SHUTDOWN_GRACE + 5 = 15 s
    assert stopped_after < 4.0, stopped_after
    assert "Traceback" not in served.log_path.read_text()
