"""What the client commands show: the live progress bar of a job and the tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from genqueue.client.models import Job, JobEvent, QueueInfo
from genqueue.engine.job import JobState

EVENT_WORDS = {"created": "pending", "progress": "active", "partial": "active"}


class JobProgressBar:
    """A rich progress bar fed with a job's events: status, percentage, currentTask."""

    def __init__(self, console: Console, job_id: str) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[status]:<10}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[current_task]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self.task: TaskID = self.progress.add_task(
            job_id, total=100, status="waiting", current_task=""
        )

    def __enter__(self) -> JobProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def on_event(self, event: JobEvent) -> None:
        fields: dict[str, Any] = {"status": _status_word(event)}
        if event.progress is not None:
            fields["completed"] = event.progress.percentage
            fields["current_task"] = event.progress.current_task or ""
        if event.kind == "retrying":
            reason = event.data.get("reason") or "attempt failed"
            fields["current_task"] = f"retrying after: {reason}"
        self.progress.update(self.task, **fields)


def _status_word(event: JobEvent) -> str:
    if event.job is not None:
        return event.job.status.value
    return EVENT_WORDS.get(event.kind, event.kind)


def jobs_table(jobs: Iterable[Job], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("id", no_wrap=True, min_width=36)
    for name in ("type", "status", "progress", "task", "attempts", "created"):
        table.add_column(name)
    for job in jobs:
        table.add_row(
            job.id,
            job.type,
            _styled(job.status),
            f"{job.progress.percentage:g}%",
            job.progress.current_task or "",
            f"{job.attempts_made}/{job.max_attempts}",
            _time(job.created_at),
        )
    return table


def job_table(job: Job) -> Table:
    table = Table(show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    rows = [
        ("type", job.type),
        ("queue", job.queue),
        ("status", _styled(job.status)),
        ("progress", f"{job.progress.percentage:g}% {job.progress.current_task or ''}".strip()),
        ("attempts", f"{job.attempts_made}/{job.max_attempts}"),
        ("data", as_json(job.data)),
        ("tags", as_json(dict(job.tags)) if job.tags else ""),
        ("cost", str(job.cost)),
        ("created", _time(job.created_at)),
        ("started", _time(job.started_at)),
        ("completed", _time(job.completed_at)),
    ]
    if job.position is not None:
        rows.append(("position", str(job.position)))
    if job.failed_reason:
        rows.append(("failed reason", job.failed_reason))
    if job.result is not None:
        rows.append(("result", as_json(job.result)))
    for name, value in rows:
        table.add_row(name, value)
    return table


def queues_table(queues: Iterable[QueueInfo]) -> Table:
    table = Table("queue", "paused", *[s.value for s in JobState], "rate limit", "concurrency")
    for queue in queues:
        rate = f"{queue.max_starts}/{queue.per_seconds:g}s" if queue.max_starts else ""
        table.add_row(
            queue.name,
            "yes" if queue.paused else "",
            *[str(queue.counts.get(s.value, 0)) for s in JobState],
            rate,
            str(queue.concurrency or ""),
        )
    return table


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


STATUS_STYLES = {
    JobState.COMPLETED: "green",
    JobState.FAILED: "red",
    JobState.CANCELLED: "yellow",
    JobState.ACTIVE: "cyan",
}


def _styled(status: JobState) -> str:
    style = STATUS_STYLES.get(status)
    return f"[{style}]{status.value}[/{style}]" if style else status.value


def _time(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S") if at is not None else ""
