"""The `genqueue` command."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from genqueue.bootstrap import open_runtime
from genqueue.client.commands import EXIT_ERROR, json_argument, register
from genqueue.config import Settings
from genqueue.engine.errors import GenqueueError
from genqueue.engine.job import JobState
from genqueue.engine.policy import parse_duration
from genqueue.worker.runner import Worker, WorkerOptions

app = typer.Typer(no_args_is_help=True, help="genqueue: long-running generation jobs.")
console = Console()
DEV_TOKEN_SECONDS = 7 * 24 * 3600.0

AppOption = Annotated[
    list[str] | None,
    typer.Option("--app", help="Module with `registry = Registry()` (repeatable; GENQUEUE_APPS)."),
]


WEBSOCKETS = "websockets-sansio"
"""uvicorn's websocket implementation, named rather than "auto": Socket.IO packets are
written to it straight from the hub's dispatch (api/socketio/connections.py), and the
tests run that path on this one."""


def main() -> None:
    app()


@app.command()
def worker(
    apps: AppOption = None,
    concurrency: Annotated[
        int | None,
        typer.Option(help="Jobs run at once (WORKER_CONCURRENCY or QUEUE_CONCURRENCY, else 5)."),
    ] = None,
    queues: Annotated[
        str | None, typer.Option(help="Comma-separated queues to serve (GENQUEUE_QUEUES); all.")
    ] = None,
    burst: Annotated[bool, typer.Option(help="Drain the queues, then exit.")] = False,
    log_level: Annotated[
        str, typer.Option(help="debug shows every job (GENQUEUE_LOG_LEVEL).")
    ] = "",
) -> None:
    """Run a worker process: claim jobs and run their handlers until stopped (SIGTERM/SIGINT)."""
    settings = Settings()
    _logging(log_level or settings.log_level)
    served = [q.strip() for q in queues.split(",") if q.strip()] if queues else settings.queues
    asyncio.run(
        _run_worker(settings, apps or [], concurrency or settings.worker_concurrency, served, burst)
    )


async def _run_worker(
    settings: Settings, apps: list[str], concurrency: int, queues: list[str], burst: bool
) -> None:
    async with open_runtime(settings, apps) as runtime:
        options = WorkerOptions(shutdown_grace_seconds=settings.shutdown_grace_seconds)
        runner = Worker(
            runtime.engine,
            runtime.registry,
            concurrency=concurrency,
            queues=queues or None,
            burst=burst,
            options=options,
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, runner.stop)
        logging.getLogger("genqueue").info(
            "worker %s serving %s with concurrency %d on %s",
            runner.id,
            ", ".join(queues) if queues else "all queues",
            concurrency,
            settings.resolved_store_url,
        )
        await runner.run()
        logging.getLogger("genqueue").info(
            "worker %s stopped after %d job(s)", runner.id, runner.processed
        )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (GENQUEUE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (GENQUEUE_PORT, default 8000).")] = None,
    apps: AppOption = None,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="Log every request (off: it costs throughput).")
    ] = False,
    log_level: Annotated[
        str, typer.Option(help="debug shows every job (GENQUEUE_LOG_LEVEL).")
    ] = "",
) -> None:
    """Serve the HTTP API with GENQUEUE_WORKERS embedded worker slots (0 = API only)."""
    import uvicorn

    from genqueue.api import create_app
    from genqueue.api.routes import webapp
    from genqueue.api.serving import GracefulServer

    settings = Settings()
    level = log_level or settings.log_level
    _logging(level)
    dev_secret = not settings.jwt_secret and not settings.jwks_url
    if dev_secret:
        settings = settings.model_copy(update={"jwt_secret": secrets.token_urlsafe(32)})
        _print_dev_tokens(settings, host or settings.host, port or settings.port)
    app = create_app(settings, apps=apps or [])
    if dev_secret and webapp.is_loopback_host(host or settings.host):
        webapp.enable_dev_login(app)
    config = uvicorn.Config(
        app,
        host=host or settings.host,
        port=port or settings.port,
        access_log=access_log,
        log_level=level.lower(),
        log_config=None,
        lifespan="on",
        ws=WEBSOCKETS,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds) + 5,
    )
    GracefulServer(config, app.state.api).run()


def _print_dev_tokens(settings: Settings, host: str, port: int) -> None:
    from genqueue.api.auth import issue_token

    secret = settings.jwt_secret or ""
    user = issue_token(secret, "dev-user", ttl=DEV_TOKEN_SECONDS)
    admin = issue_token(secret, "dev-admin", admin=True, ttl=DEV_TOKEN_SECONDS)
    base = f"http://{host}:{port}"
    console.print(
        "[yellow]GENQUEUE_JWT_SECRET is not set: using a random dev secret for this run.[/yellow]"
    )
    typer.echo(f"user token (sub dev-user):   {user}")
    typer.echo(f"admin token (sub dev-admin): {admin}")
    typer.echo(
        f"try: curl -s -X POST {base}/api/v1/jobs -H 'Authorization: Bearer {user}' "
        '-H \'Content-Type: application/json\' -d \'{"type": "demo", "data": {"steps": 5}}\''
    )
    typer.echo(f"demo app: {base}/ (sign in with the user token above)")
    typer.echo(f"docs: {base}/docs")


@app.command()
def enqueue(
    job_type: Annotated[str, typer.Argument(metavar="TYPE")],
    data: Annotated[str, typer.Option(help="Job data as JSON, or @file.json.")] = "{}",
    owner: Annotated[str, typer.Option(help="The owning user id.")] = "cli",
    priority: Annotated[int | None, typer.Option(help="1 is the highest.")] = None,
    delay: Annotated[float | None, typer.Option(help="Seconds before the job may start.")] = None,
    count: Annotated[int, typer.Option(min=1, help="How many identical jobs.")] = 1,
    apps: AppOption = None,
) -> None:
    """Put jobs straight into the configured store (no API server needed)."""
    payload = json_argument(data)
    try:
        ids = asyncio.run(
            _enqueue(Settings(), apps or [], job_type, payload, owner, priority, delay, count)
        )
    except GenqueueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    for job_id in ids:
        typer.echo(job_id)


async def _enqueue(
    settings: Settings,
    apps: list[str],
    job_type: str,
    data: Any,
    owner: str,
    priority: int | None,
    delay: float | None,
    count: int,
) -> list[str]:
    async with open_runtime(settings, apps) as runtime:
        ids = []
        for _ in range(count):
            submitted = await runtime.engine.submit(
                owner, job_type, data, priority=priority, delay_seconds=delay
            )
            ids.append(submitted.job.id)
        return ids


@app.command()
def token(
    sub: Annotated[str, typer.Option("--sub", help="The user id the token names.")],
    admin: Annotated[bool, typer.Option("--admin", help="Grant the admin role.")] = False,
    ttl: Annotated[str, typer.Option(help="Lifetime: seconds, or 30m, 12h, 7d.")] = "24h",
) -> None:
    """Print an HS256 token signed with GENQUEUE_JWT_SECRET (for GENQUEUE_TOKEN)."""
    from genqueue.api.auth import issue_token

    secret = Settings().jwt_secret
    if not secret:
        console.print("[red]error:[/red] GENQUEUE_JWT_SECRET is not set: no secret to sign with")
        raise typer.Exit(EXIT_ERROR)
    if not 1 <= len(sub) <= 200:
        raise typer.BadParameter("a user id has 1 to 200 characters", param_hint="--sub")
    try:
        seconds = parse_duration(ttl)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--ttl") from None
    if seconds <= 0:
        raise typer.BadParameter("the lifetime must be positive", param_hint="--ttl")
    typer.echo(issue_token(secret, sub, admin=admin, ttl=seconds))


@app.command()
def openapi(
    apps: AppOption = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print the API's OpenAPI schema as JSON (no server, store or secret needed); the
    same input gives the same bytes, so generated clients can be checked for staleness."""
    import json

    from genqueue.api import create_app

    settings = Settings().model_copy(update={"jwt_secret": "unused", "cors_origins": []})
    schema = create_app(settings, apps=apps or [], workers=0).openapi()
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        with open(output, "w", encoding="utf-8") as file:
            file.write(text)


@app.command()
def queues(apps: AppOption = None) -> None:
    """Jobs per state in every queue of the configured store."""
    states = asyncio.run(_queue_states(Settings(), apps or []))
    table = Table("queue", "paused", *[s.value for s in JobState])
    for state in states:
        table.add_row(
            state.name,
            "yes" if state.paused else "",
            *[str(state.counts.get(s, 0)) for s in JobState],
        )
    console.print(table)


async def _queue_states(settings: Settings, apps: list[str]) -> list[Any]:
    async with open_runtime(settings, apps) as runtime:
        return await runtime.engine.store.queue_states(runtime.engine.clock())


def _logging(level: str) -> None:
    if level.upper() not in logging.getLevelNamesMapping():
        raise typer.BadParameter(f"unknown log level {level!r}: use debug, info, warning or error")
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


register(app)
