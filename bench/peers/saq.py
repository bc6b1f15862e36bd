"""SAQ as a peer: `Queue.enqueue` per job (no bulk API); a `Worker` at its default
concurrency of 10 (`--variant N` sets it)."""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from saq import Queue, Worker

from bench.peers.common import Client, main, record

QUEUE = "bench"


async def noop(ctx: dict[str, Any], *, sent: float) -> None:
    record(sent)


async def open_client(args: argparse.Namespace) -> Client:
    queue = Queue.from_url(args.redis, name=QUEUE)
    await queue.connect()
    return Client(
        submit=lambda sent: queue.enqueue("noop", sent=sent),
        close=queue.disconnect,
    )


def run_worker(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    options = {"concurrency": int(args.variant)} if args.variant else {}

    async def serve() -> None:
        worker = Worker(Queue.from_url(args.redis, name=QUEUE), functions=[noop], **options)
        await worker.start()

    asyncio.run(serve())


if __name__ == "__main__":
    from bench.peers import saq as peer

    main(peer.open_client, peer.run_worker)
