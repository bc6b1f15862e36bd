"""The official Node socket.io-client v4 (tests/realtime/node/) against our /socket.io/, on
both stores, over websocket only and over polling upgraded to websocket: what a browser or
Node app really speaks, not only python-socketio's reading of the protocol."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import StartApi
from tests.realtime.conftest import submit_demo, token

NODE_DIR = Path(__file__).parent / "node"
SCRIPT = NODE_DIR / "subscribe.mjs"
STEPS = 5
STEP_SECONDS = 0.4
SCRIPT_TIMEOUT_MS = 20_000
NPM_CI_SECONDS = 180.0


def _tools_or_skip() -> tuple[str, str]:
    """node and npm, or a loud skip — a failure under CI=true, where they must be present."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        reason = "node and npm are needed for the socket.io-client test (not found on PATH)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return node, npm


async def _run(*args: str, within: float) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=NODE_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), within)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"{args[:2]} did not finish within {within} s") from None
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, with socket.io-client installed from package-lock.json (`npm ci`)
    when node_modules is missing."""
    node, npm = _tools_or_skip()
    if not (NODE_DIR / "node_modules" / "socket.io-client").is_dir():
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=NPM_CI_SECONDS,
            check=False,
        )
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
    return node


def _lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize("mode", ["websocket", "polling-upgrade"])
async def test_the_node_client_follows_a_job_to_its_end(
    start_api: StartApi, node: str, mode: str
) -> None:
    api = await start_api()
    job_id = await submit_demo(api, steps=STEPS, stepSeconds=STEP_SECONDS)
    code, out, err = await _run(
        node,
        str(SCRIPT),
        api.base_url,
        token(),
        job_id,
        mode,
        str(SCRIPT_TIMEOUT_MS),
        within=SCRIPT_TIMEOUT_MS / 1000 + 10,
    )
    lines = _lines(out)
    assert code == 0, f"exit {code}\nstdout:\n{out}\nstderr:\n{err}"
    names = [line["event"] for line in lines]
    assert names[0] == "open"
    assert "connect" in names
    confirmed = [line["data"] for line in lines if line["event"] == "connection_confirmed"]
    assert len(confirmed) == 1
    assert confirmed[0]["userId"] == "alice"
    assert {"event": "ack", "data": {"ok": True, "jobId": job_id, "room": f"job:{job_id}"}} in (
        lines
    )
    job_events = [line for line in lines if line["event"].startswith("job_")]
    assert all(line["data"]["jobId"] == job_id for line in job_events)
    assert [line["event"] for line in job_events].count("job_completed") == 1
    assert job_events[-1]["event"] == "job_completed"
    progress = [line["data"]["progress"] for line in job_events if line["event"] == "job_progress"]
    assert len(progress) >= 2, names
    assert progress == sorted(set(progress)), progress
    assert progress[-1] == 100.0
    final = job_events[-1]["data"]
    assert final["status"] == "completed"
    assert final["result"] == {"steps": STEPS, "attempt": 1}
    event_ids = [line["data"]["eventId"] for line in job_events]
    assert len(set(event_ids)) == len(event_ids)
    upgrades = [line["data"]["transport"] for line in lines if line["event"] == "upgrade"]
    if mode == "polling-upgrade":
        assert lines[0]["data"]["transport"] == "polling"
        assert upgrades == ["websocket"]
    else:
        assert lines[0]["data"]["transport"] == "websocket"
        assert upgrades == []
