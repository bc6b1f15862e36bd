"""streaQ as a peer: `task.enqueue` per job, `Worker.enqueue_many` (one pipeline) in bulk;
a `Worker` at its default concurrency of 16 (`--variant N` sets it)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from typing import Any

from streaq import Worker

from bench.peers.common import Client, main, record

QUEUE = "bench"


async def noop(sent: float) -> None:
    record(sent)


def _worker(args: argparse.Namespace) -> tuple[Worker[Any], Any]:
    options = {"concurrency": int(args.variant)} if args.variant else {}
    worker: Worker[Any] = Worker(redis_url=args.redis, queue_name=QUEUE, **options)
    return worker, worker.task(name="noop", silent=True)(noop)


async def open_client(args: argparse.Namespace) -> Client:
    worker, task = _worker(args)
    await worker.__aenter__()

    async def submit(sent: float) -> None:
        await task.enqueue(sent)

    async def bulk(sents: Sequence[float]) -> None:
        await worker.enqueue_many([task.enqueue(sent) for sent in sents])

    async def close() -> None:
        await worker.__aexit__(None, None, None)

    return Client(submit=submit, submit_bulk=bulk, close=close)


def run_worker(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    worker, _ = _worker(args)
    worker.run_sync()


if __name__ == "__main__":
    from bench.peers import streaq as peer

    main(peer.open_client, peer.run_worker)
