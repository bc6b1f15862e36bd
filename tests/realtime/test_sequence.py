"""The whole event sequence of a job, over websocket and long-polling, on both stores."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.api.conftest import StartApi
from tests.realtime.conftest import Connect, Received, submit_demo, token

STEPS = 5
LATENCY_SECONDS = 0.5


def _delay(event: Received) -> float:
    sent = datetime.fromisoformat(event.data["at"].replace("Z", "+00:00")).timestamp()
    return event.at - sent


@pytest.mark.parametrize("transports", [["websocket"], ["polling"]])
async def test_my_jobs_get_every_event_of_a_job_in_order(
    start_api: StartApi, connect: Connect, transports: list[str]
) -> None:
    api = await start_api()
    client = await connect(api.base_url, token(), transports=transports)
    assert (await client.call("subscribe_to_my_jobs")) == {"ok": True, "room": "owner:alice"}
    job_id = await submit_demo(api, steps=STEPS, stepSeconds=0.05)
    events = await client.until_final(job_id)
    names = [e.name for e in events]
    assert names == ["job_status", "job_status"] + ["job_progress"] * STEPS + ["job_completed"]
    assert [e.data["status"] for e in events[:2]] == ["queued", "processing"]
    progress = [e.data for e in events if e.name == "job_progress"]
    assert [p["progress"] for p in progress] == [20.0, 40.0, 60.0, 80.0, 100.0]
    assert progress[0]["message"] == f"Step 1 of {STEPS}"
    final = events[-1].data
    assert final["result"] == {"steps": STEPS, "attempt": 1}
    assert final["imageUrl"] is None
    assert final["status"] == "completed"
    assert len({e.data["eventId"] for e in events}) == len(events)
    assert max(_delay(e) for e in events) < LATENCY_SECONDS
    confirmed = [e for e in client.events if e.name == "connection_confirmed"]
    assert len(confirmed) == 1
    assert confirmed[0].data["userId"] == "alice"


async def test_a_job_subscriber_gets_a_snapshot_then_the_rest(
    start_api: StartApi, connect: Connect
) -> None:
    api = await start_api()
    client = await connect(api.base_url, token())
    job_id = await submit_demo(api, steps=STEPS, stepSeconds=0.1)
    ack = await client.call("subscribe_to_job", {"jobId": job_id})
    assert ack == {"ok": True, "jobId": job_id, "room": f"job:{job_id}"}
    events = await client.until_final(job_id)
    assert events[0].data["snapshot"] is True
    progress = [e.data["progress"] for e in events if e.name == "job_progress"]
    assert progress == sorted(progress)
    assert progress[-1] == 100.0
    assert events[-1].name == "job_completed"
    assert [e.name for e in events].count("job_completed") == 1


async def test_subscribing_to_a_finished_job_gets_its_end_at_once(
    start_api: StartApi, connect: Connect
) -> None:
    api = await start_api()
    job_id = await submit_demo(api, steps=1, stepSeconds=0)
    await api.wait_for_status(job_id, {"completed"})
    client = await connect(api.base_url, token())
    await client.call("subscribe_to_job", {"jobId": job_id})
    events = await client.until_final(job_id)
    assert [e.name for e in events] == ["job_completed"]
    assert events[0].data["result"] == {"steps": 1, "attempt": 1}
