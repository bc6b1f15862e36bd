"""The official Node socket.io-client v4 (tests/realtime/node/) against our /socket.io/, on
both stores, over websocket only and over polling upgraded to websocket: what a browser or
Node app really speaks, not only python-socketio's reading of the protocol."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import StartApi
from tests.node_tools import node_tools_or_skip, npm_ci
from tests.realtime.conftest import submit_demo, token

NODE_DIR = Path(__file__).parent / "node"
SCRIPT = NODE_DIR / "subscribe.mjs"
STEPS = 5
STEP_SECONDS = 0.4
SCRIPT_TIMEOUT_MS = 20_000


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
    when node_modules is missing or older than the lock file."""
    tools = node_tools_or_skip("the socket.io-client test")
    npm_ci(tools, NODE_DIR)
    return tools.node


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
