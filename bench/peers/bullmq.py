"""bullmq (Python) as a peer: `Queue.add` per job, `Queue.addBulk` in bulk; one `Worker`
with concurrency 100 (`--variant N` sets it; bullmq's default is 1, one job at a time)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Sequence
from typing import Any

from bullmq import Queue, Worker

from bench.peers.common import Client, main, record

QUEUE = "bench"
CONCURRENCY = 100


async def noop(job: Any, token: str) -> None:
    record(job.data["sent"])


async def open_client(args: argparse.Namespace) -> Client:
    queue = Queue(QUEUE, {"connection": args.redis, "prefix": args.prefix})

    async def bulk(sents: Sequence[float]) -> None:
        await queue.addBulk([{"name": "noop", "data": {"sent": sent}} for sent in sents])

    return Client(
        submit=lambda sent: queue.add("noop", {"sent": sent}),
        submit_bulk=bulk,
        close=queue.close,
    )


def run_worker(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    concurrency = int(args.variant) if args.variant else CONCURRENCY

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        options = {"connection": args.redis, "prefix": args.prefix, "concurrency": concurrency}
        worker = Worker(QUEUE, noop, options)
        await stop.wait()
        await worker.close()

    asyncio.run(serve())


if __name__ == "__main__":
    from bench.peers import bullmq as peer

    main(peer.open_client, peer.run_worker)
