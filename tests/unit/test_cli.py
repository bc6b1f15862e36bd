"""The `genqueue` command: enqueue into a store, drain it with a burst worker, show the queues."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from genqueue import cli
from genqueue.cli import app


def test_enqueue_then_burst_worker_then_queues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENQUEUE_STORE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("GENQUEUE_LOCAL_STEP_SECONDS", "0")
    monkeypatch.setattr(cli.console, "width", 200)  # the table, whatever the terminal
    runner = CliRunner()
    enqueued = runner.invoke(app, ["enqueue", "demo", "--data", '{"steps": 2}', "--count", "3"])
    assert enqueued.exit_code == 0, enqueued.output
    assert len(enqueued.output.split()) == 3
    drained = runner.invoke(app, ["worker", "--burst", "--log-level", "debug"])
    assert drained.exit_code == 0, drained.output
    shown = runner.invoke(app, ["queues"])
    assert shown.exit_code == 0
    default_row = next(line for line in shown.output.splitlines() if "default" in line)
    cells = [cell.strip() for cell in default_row.split("│")[1:-1]]
    assert cells == ["default", "", "0", "0", "0", "3", "0", "0"]


def test_bad_input_is_refused_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENQUEUE_STORE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    not_json = runner.invoke(app, ["enqueue", "demo", "--data", "{oops"])
    assert not_json.exit_code == 2
    bad_data = runner.invoke(app, ["enqueue", "demo", "--data", '{"steps": -1}'])
    assert bad_data.exit_code == 2
    assert "invalid job data" in bad_data.output
    unknown = runner.invoke(app, ["enqueue", "no-such-type"])
    assert unknown.exit_code == 2
    assert "unknown job type" in unknown.output
    level = runner.invoke(app, ["worker", "--burst", "--log-level", "loud"])
    assert level.exit_code == 2
