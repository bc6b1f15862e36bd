"""The `genqueue` commands that talk to a server through the SDK: submit, jobs, job,
cancel, retry, stats, and token (which mints one with the configured secret).

Exit codes: 0 done, 1 the job failed, 2 the server refused the request or could not be
reached (and usage errors), 3 the job was cancelled, 4 `--timeout` ran out, 130
interrupted with the job left running.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console

from genqueue.client.display import JobProgressBar, as_json, job_table, jobs_table, queues_table
from genqueue.client.errors import ClientError, JobCancelled, JobFailed, WaitTimeout
from genqueue.client.models import Job
from genqueue.client.sync_client import Client

EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_CANCELLED = 3
EXIT_TIMEOUT = 4
EXIT_INTERRUPTED = 130

PIPED_WIDTH = 200
"""Tables written to a pipe or file get this width instead of rich's 80 (unless COLUMNS)."""


def _console(*, stderr: bool) -> Console:
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPED_WIDTH
    return console


out = _console(stderr=False)
err = _console(stderr=True)

UrlOption = Annotated[
    str | None, typer.Option("--url", envvar="GENQUEUE_URL", help="Server, e.g. http://host:8000.")
]
TokenOption = Annotated[
    str | None,
    typer.Option("--token", envvar="GENQUEUE_TOKEN", help="Bearer token (`genqueue token`)."),
]
JobIdArgument = Annotated[str, typer.Argument(metavar="ID", help="The job's id.")]
WaitOption = Annotated[bool, typer.Option("--wait", help="Show a progress bar until the job ends.")]
TimeoutOption = Annotated[
    float | None, typer.Option("--timeout", min=0, help="Seconds --wait waits at most.")
]


def json_argument(text: str) -> Any:
    """JSON given inline, or read from the file after `@`."""
    try:
        raw = Path(text[1:]).read_text() if text.startswith("@") else text
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {text[1:]}: {exc.strerror}") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"not JSON: {exc}") from None


@contextlib.contextmanager
def _client(url: str | None, token: str | None) -> Iterator[Client]:
    """A Client; an SDK error ends the command with its message and exit code 2."""
    try:
        with Client(url, token) as client:
            yield client
    except ClientError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None


def submit(
    job_type: Annotated[str, typer.Argument(metavar="TYPE", help="A registered job type.")],
    data: Annotated[str, typer.Option(help="Job data as JSON, or @file.json.")] = "{}",
    wait: WaitOption = False,
    priority: Annotated[int | None, typer.Option(help="1 runs first.")] = None,
    delay: Annotated[float | None, typer.Option(help="Seconds before it may start.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="name=value (repeatable).")] = None,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Resubmitting with the same key returns the first job.")
    ] = None,
    timeout: TimeoutOption = None,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Submit a job through the API and print its id; --wait follows it to its end."""
    payload = json_argument(data)
    tags = dict(_tag(text) for text in tag or [])
    with _client(url, token) as client:
        submission = client.submit(
            job_type,
            payload,
            priority=priority,
            delay_seconds=delay,
            tags=tags or None,
            idempotency_key=idempotency_key,
        )
        typer.echo(submission.job_id)
        if wait:
            follow(client, submission.job_id, timeout)


def _tag(text: str) -> tuple[str, str]:
    name, sign, value = text.partition("=")
    if not sign or not name:
        raise typer.BadParameter(f"a tag is name=value, not {text!r}")
    return name, value


def follow(client: Client, job_id: str, timeout: float | None) -> None:
    """The progress bar until the job ends; Ctrl-C asks whether to cancel it."""
    try:
        job = _watch(client, job_id, timeout)
    except KeyboardInterrupt:
        job = _interrupted(client, job_id, timeout)
    out.print(as_json(job.result), soft_wrap=True)


def _interrupted(client: Client, job_id: str, timeout: float | None) -> Job:
    try:
        cancel = typer.confirm(f"Cancel job {job_id}?", default=False, err=True)
    except click.Abort:
        cancel = False
    if not cancel:
        err.print(f"job {job_id} goes on: `genqueue job {job_id} --wait` follows it again")
        raise typer.Exit(EXIT_INTERRUPTED)
    client.cancel(job_id)
    try:
        return _watch(client, job_id, timeout)
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _watch(client: Client, job_id: str, timeout: float | None) -> Job:
    """The completed job; a failed, cancelled or timed-out wait ends the command."""
    try:
        with JobProgressBar(err, job_id) as bar:
            job = client.wait(job_id, timeout=timeout, on_event=bar.on_event)
    except JobFailed as exc:
        err.print(f"[red]failed:[/red] {exc.reason}")
        raise typer.Exit(EXIT_FAILED) from None
    except JobCancelled:
        err.print(f"[yellow]cancelled:[/yellow] job {job_id}")
        raise typer.Exit(EXIT_CANCELLED) from None
    except WaitTimeout as exc:
        err.print(f"[yellow]timeout:[/yellow] {exc}")
        raise typer.Exit(EXIT_TIMEOUT) from None
    err.print(f"[green]completed:[/green] job {job_id}")
    return job


def jobs(
    status: Annotated[
        str | None, typer.Option(help="Comma-separated: pending, active, failed, …")
    ] = None,
    job_type: Annotated[str | None, typer.Option("--type", help="Job type(s).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Jobs per page.")] = 20,
    page: Annotated[int, typer.Option(min=1, help="Page, from 1.")] = 1,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Your jobs, newest first, as a table."""
    with _client(url, token) as client:
        found = client.list_page(status=status, type=job_type, limit=limit, skip=(page - 1) * limit)
    first = found.skip + 1 if found.jobs else 0
    title = f"jobs {first}–{found.skip + len(found.jobs)} of {found.total}"
    out.print(jobs_table(found.jobs, title))


def job(
    job_id: JobIdArgument,
    wait: WaitOption = False,
    timeout: TimeoutOption = None,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """One job in full; --wait follows it to its end."""
    with _client(url, token) as client:
        found = client.get(job_id)
        out.print(f"job {found.id}")
        out.print(job_table(found))
        if wait:
            follow(client, job_id, timeout)


def cancel(job_id: JobIdArgument, url: UrlOption = None, token: TokenOption = None) -> None:
    """Cancel a job: a waiting one at once, a running one when its worker stops it."""
    with _client(url, token) as client:
        cancelled = client.cancel(job_id)
    word = "cancellation requested" if cancelled.cancel_requested else cancelled.status.value
    out.print(f"{job_id}: {word}")


def retry(job_id: JobIdArgument, url: UrlOption = None, token: TokenOption = None) -> None:
    """Run a failed or cancelled job again from its first attempt."""
    with _client(url, token) as client:
        retried = client.retry(job_id)
    out.print(f"{job_id}: {retried.status.value} again")


def stats(url: UrlOption = None, token: TokenOption = None) -> None:
    """Every queue with its jobs per state (an admin token)."""
    with _client(url, token) as client:
        out.print(queues_table(client.queues()))


def register(app: typer.Typer) -> None:
    for command in (submit, jobs, job, cancel, retry, stats):
        app.command()(command)
