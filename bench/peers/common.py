"""What every Python peer module shares: the no-op's stamp, the client loops and the CLI.

Standard library only, so that a peer installed in its own venv (arq) can import it.

Each peer module is run as `python -m bench.peers.NAME --redis URL [--variant V] COMMAND`:

    enqueue --jobs N [--bulk]        submit N no-op jobs, print {"jobs", "seconds"} as JSON
    stream --jobs N --rate R --idle S
                                     one warm-up job, S seconds idle, then N jobs open-loop
                                     at R/s, each carrying the time taken just before submit
    worker                           run one worker process until SIGTERM

The harness (bench/peers/harness.py) does the rest: it reads the stamps the handlers
write, counts Redis commands and reads the workers' CPU time.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

STAMPS_ENV = "BENCH_STAMPS"
BULK_CHUNK = 1000
"""Jobs per bulk call, for the libraries that have one."""

_fd: int | None = None


def record(sent: float) -> None:
    """The no-op's only work: one line `sent start end` (Unix seconds) to this process's file.

    One unbuffered write per job, so the harness sees each job as it ends; every peer pays
    the same few microseconds for it.
    """
    global _fd
    start = time.time()
    if _fd is None:
        _fd = os.open(os.environ[STAMPS_ENV], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(_fd, f"{sent!r} {start!r} {time.time()!r}\n".encode())


Submit = Callable[[float], Any]
"""Submit one job carrying `sent`; a plain or an async function."""


@dataclass
class Client:
    submit: Submit
    submit_bulk: Callable[[Sequence[float]], Any] | None = None
    close: Callable[[], Any] | None = None


async def _call(fn: Callable[..., Any], *args: Any) -> Any:
    result = fn(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


async def _enqueue(client: Client, jobs: int, bulk: bool) -> float:
    start = time.perf_counter()
    if bulk:
        if client.submit_bulk is None:
            raise SystemExit("this peer has no bulk enqueue")
        for first in range(0, jobs, BULK_CHUNK):
            await _call(client.submit_bulk, [0.0] * min(BULK_CHUNK, jobs - first))
    else:
        for _ in range(jobs):
            await _call(client.submit, 0.0)
    return time.perf_counter() - start


async def _stream(client: Client, jobs: int, rate: float, idle: float) -> float:
    await _call(client.submit, 0.0)  # this connection's warm-up
    await asyncio.sleep(idle)
    begin = time.monotonic()
    for index in range(jobs):
        await asyncio.sleep(max(0.0, begin + index / rate - time.monotonic()))
        await _call(client.submit, time.time())
    return time.monotonic() - begin


async def _client_command(open_client: Callable[[argparse.Namespace], Any], args: Any) -> None:
    client: Client = await _call(open_client, args)
    try:
        if args.command == "enqueue":
            seconds = await _enqueue(client, args.jobs, args.bulk)
        else:
            seconds = await _stream(client, args.jobs, args.rate, args.idle)
    finally:
        if client.close is not None:
            await _call(client.close)
    print(json.dumps({"jobs": args.jobs, "seconds": seconds}), flush=True)


def arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--redis", required=True, help="redis://host:port/db")
    parser.add_argument("--prefix", default="bench", help="key prefix, where the peer has one")
    parser.add_argument("--variant", default="", help="a peer-specific setting")
    commands = parser.add_subparsers(dest="command", required=True)
    enqueue = commands.add_parser("enqueue")
    enqueue.add_argument("--jobs", type=int, required=True)
    enqueue.add_argument("--bulk", action="store_true")
    stream = commands.add_parser("stream")
    stream.add_argument("--jobs", type=int, required=True)
    stream.add_argument("--rate", type=float, required=True)
    stream.add_argument("--idle", type=float, required=True)
    commands.add_parser("worker")
    return parser.parse_args(argv)


def main(
    open_client: Callable[[argparse.Namespace], Any],
    run_worker: Callable[[argparse.Namespace], None],
) -> None:
    """The peer module's entry point: a client command, or one worker process."""
    args = arguments()
    if args.command == "worker":
        run_worker(args)
    else:
        asyncio.run(_client_command(open_client, args))
    sys.stdout.flush()
