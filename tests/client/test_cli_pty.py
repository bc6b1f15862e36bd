"""`genqueue submit --wait` in a pseudo-terminal (pexpect): the live progress bar, and
Ctrl-C asking whether to cancel the job."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pexpect

from genqueue.client import JobState

from .conftest import ServeProcess, client_env, genqueue_command

USER = "pty-user"
STYLE = r"(?:\x1b\[[0-9;]*m)*"
"""rich's colour codes between the percentage and the task."""


def spawn(cli_server: ServeProcess, data: dict[str, float]) -> pexpect.spawn:
    env = client_env(
        GENQUEUE_URL=cli_server.url, GENQUEUE_TOKEN=cli_server.token(USER), TERM="xterm-256color"
    )
    env.pop("COLUMNS")
    command, *args = genqueue_command()
    return pexpect.spawn(
        command,
        [*args, "submit", "demo", "--data", json.dumps(data), "--wait"],
        env=env,
        dimensions=(30, 140),
        encoding="utf-8",
        timeout=30,
    )


def job_id_of(child: pexpect.spawn) -> str:
    child.expect(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
    return str(child.match.group(1))


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def test_the_progress_bar_shows_percentage_and_current_task(
    cli_server: ServeProcess, tmp_path: Path
) -> None:
    child = spawn(cli_server, {"steps": 20, "stepSeconds": 0.1})
    job_id_of(child)
    child.expect(rf"(\d+)%{STYLE}\s+Step (\d+) of 20")
    first = int(child.match.group(2))
    assert first < 20  # a step shown while the job ran, not only the end
    child.expect(rf"100%{STYLE}\s+Step 20 of 20")
    child.expect(f"completed:{STYLE} job")
    child.expect(r'"attempt": 1')
    assert finish(child) == 0


def interrupt(child: pexpect.spawn, steps: int, answer: str) -> str:
    """Ctrl-C once the bar shows a step, then `answer` the question; the job's id."""
    job_id = job_id_of(child)
    child.expect(rf"Step \d+ of {steps}")
    child.sendintr()
    child.expect(re.escape(f"Cancel job {job_id}? [y/N]"))
    child.sendline(answer)
    return job_id


def test_ctrl_c_then_yes_cancels_the_job(cli_server: ServeProcess) -> None:
    child = spawn(cli_server, {"steps": 400, "stepSeconds": 0.05})
    job_id = interrupt(child, 400, "y")
    child.expect(f"cancelled:{STYLE} job {job_id}")
    assert finish(child) == 3
    with cli_server.client(USER) as client:
        job = client.get(job_id)
    assert job.status is JobState.CANCELLED
    assert job.progress.percentage < 100


def test_ctrl_c_then_no_leaves_the_job_running(cli_server: ServeProcess) -> None:
    child = spawn(cli_server, {"steps": 40, "stepSeconds": 0.05})
    job_id = interrupt(child, 40, "n")
    child.expect(re.escape(f"genqueue job {job_id} --wait"))
    assert finish(child) == 130
    with cli_server.client(USER) as client:
        assert client.wait(job_id, timeout=30).result == {"steps": 40, "attempt": 1}
