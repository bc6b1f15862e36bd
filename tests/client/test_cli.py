"""The client commands as a shell runs them: output and exit codes, against a real cli_server."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from pathlib import Path

import jwt

from genqueue.client import JobState

from .conftest import SECRET, ServeProcess, client_env, genqueue_command

UUID_LINE = r"^[0-9a-f-]{36}$"


def run(
    cli_server: ServeProcess, *args: str, user: str = "cli-user", admin: bool = False, **env: str
) -> subprocess.CompletedProcess[str]:
    defaults = {
        "GENQUEUE_URL": cli_server.url,
        "GENQUEUE_TOKEN": cli_server.token(user, admin=admin),
    }
    environment = client_env(**{**defaults, **env})
    return subprocess.run(
        [*genqueue_command(), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_submit_prints_the_job_id(cli_server: ServeProcess) -> None:
    done = run(cli_server, "submit", "demo", "--data", '{"steps": 1}')
    assert done.returncode == 0, done.stderr
    job_id = done.stdout.strip()
    uuid.UUID(job_id)
    with cli_server.client("cli-user") as client:
        assert client.get(job_id).type == "demo"


def test_submit_wait_prints_the_result(cli_server: ServeProcess, tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_text('{"steps": 3, "stepSeconds": 0.02}')
    done = run(cli_server, "submit", "demo", "--data", f"@{data}", "--wait", "--tag", "run=one")
    assert done.returncode == 0, done.stderr
    job_id, result = done.stdout.split("\n", 1)
    assert json.loads(result) == {"steps": 3, "attempt": 1}
    assert f"completed: job {job_id}" in done.stderr
    with cli_server.client("cli-user") as client:
        assert client.get(job_id).tags == {"run": "one"}


def test_a_failed_job_exits_1_with_the_reason(cli_server: ServeProcess) -> None:
    data = '{"steps": 2, "stepSeconds": 0.01, "failAttempts": 9}'
    done = run(cli_server, "submit", "demo", "--data", data, "--wait")
    assert done.returncode == 1
    assert "failed: demo failure on attempt 3 (failAttempts=9)" in done.stderr


def test_timeout_exits_4(cli_server: ServeProcess) -> None:
    data = '{"steps": 1000, "stepSeconds": 0.05}'
    done = run(cli_server, "submit", "demo", "--data", data, "--wait", "--timeout", "0.5")
    assert done.returncode == 4
    assert "did not finish within 0.5 s" in done.stderr
    with cli_server.client("cli-user") as client:
        still_running = client.cancel(done.stdout.strip())
    assert still_running.status in (JobState.PENDING, JobState.ACTIVE, JobState.CANCELLED)


def test_refused_requests_exit_2_with_the_servers_message(cli_server: ServeProcess) -> None:
    unknown_type = run(cli_server, "submit", "no-such-type")
    assert unknown_type.returncode == 2
    assert "422" in unknown_type.stderr
    assert "no-such-type" in unknown_type.stderr
    not_json = run(cli_server, "submit", "demo", "--data", "{oops")
    assert not_json.returncode == 2
    assert "not JSON" in not_json.stderr
    missing = run(cli_server, "job", str(uuid.uuid4()))
    assert missing.returncode == 2
    assert "404" in missing.stderr
    bad_status = run(cli_server, "jobs", "--status", "sleeping")
    assert bad_status.returncode == 2
    assert "unknown status 'sleeping'" in bad_status.stderr
    no_server = run(cli_server, "jobs", GENQUEUE_URL="http://127.0.0.1:9")
    assert no_server.returncode == 2
    assert "error:" in no_server.stderr


def test_jobs_job_cancel_retry(cli_server: ServeProcess) -> None:
    user = f"cli-{uuid.uuid4().hex[:8]}"
    later = run(
        cli_server, "submit", "demo", "--data", '{"steps": 1}', "--delay", "3600", user=user
    )
    job_id = later.stdout.strip()
    listed = run(cli_server, "jobs", "--status", "delayed", user=user)
    assert listed.returncode == 0, listed.stderr
    assert "jobs 1–1 of 1" in listed.stdout
    assert job_id in listed.stdout
    assert "delayed" in listed.stdout
    cancelled = run(cli_server, "cancel", job_id, user=user)
    assert (cancelled.returncode, cancelled.stdout.strip()) == (0, f"{job_id}: cancelled")
    again = run(cli_server, "cancel", job_id, user=user)
    assert again.returncode == 2
    assert "409" in again.stderr
    follow_cancelled = run(cli_server, "job", job_id, "--wait", user=user)
    assert follow_cancelled.returncode == 3
    assert f"cancelled: job {job_id}" in follow_cancelled.stderr
    retried = run(cli_server, "retry", job_id, user=user)
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout.startswith(f"{job_id}: ")
    shown = run(cli_server, "job", job_id, "--wait", user=user)  # a retry runs at once
    assert shown.returncode == 0, shown.stderr
    for text in (f"job {job_id}", "demo", '"steps": 1', "attempts", '"attempt": 1'):
        assert text in shown.stdout
    with cli_server.client(user) as client:
        assert client.get(job_id).status is JobState.COMPLETED
    other = run(cli_server, "job", job_id, user=f"{user}-other")
    assert other.returncode == 2  # another user's job is not found


def test_stats_needs_an_admin_token(cli_server: ServeProcess) -> None:
    refused = run(cli_server, "stats")
    assert refused.returncode == 2
    assert "403" in refused.stderr
    shown = run(cli_server, "stats", admin=True)
    assert shown.returncode == 0, shown.stderr
    default = next(line for line in shown.stdout.splitlines() if "│ default" in line)
    assert len([cell for cell in default.split("│") if cell.strip()]) >= 7


def test_url_and_token_options_beat_the_environment(cli_server: ServeProcess) -> None:
    token = cli_server.token("option-user")
    done = run(cli_server, "jobs", "--url", cli_server.url, "--token", token, GENQUEUE_TOKEN="bad")
    assert done.returncode == 0, done.stderr
    assert "of 0" in done.stdout
    refused = run(cli_server, "jobs", GENQUEUE_TOKEN="bad")
    assert refused.returncode == 2
    assert "401" in refused.stderr


def test_token_mints_a_token_with_the_configured_secret(cli_server: ServeProcess) -> None:
    minted = run(
        cli_server, "token", "--sub", "bob", "--admin", "--ttl", "1h", GENQUEUE_JWT_SECRET=SECRET
    )
    assert minted.returncode == 0, minted.stderr
    token = minted.stdout.strip()
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["role"]) == ("bob", "admin")
    assert abs(claims["exp"] - (time.time() + 3600)) < 60
    stats = run(cli_server, "stats", GENQUEUE_TOKEN=token)
    assert stats.returncode == 0, stats.stderr
    plain = run(cli_server, "token", "--sub", "carol", GENQUEUE_JWT_SECRET=SECRET)
    assert "role" not in jwt.decode(plain.stdout.strip(), SECRET, algorithms=["HS256"])
    no_secret = run(cli_server, "token", "--sub", "bob")
    assert no_secret.returncode == 2
    assert "GENQUEUE_JWT_SECRET is not set" in no_secret.stderr + no_secret.stdout
    bad_ttl = run(cli_server, "token", "--sub", "bob", "--ttl", "soon", GENQUEUE_JWT_SECRET=SECRET)
    assert bad_ttl.returncode == 2
