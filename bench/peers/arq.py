"""arq as a peer: `enqueue_job` per job (no bulk API); `Worker` with its defaults.

arq's defaults: `max_jobs=10` and `poll_delay=0.5` s (an idle worker looks for due jobs
every half second; a new job is picked up on that poll). `--variant N` sets `max_jobs`.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker, func

from bench.peers.common import Client, main, record


async def noop(ctx: dict[str, Any], sent: float) -> None:
    record(sent)


async def open_client(args: argparse.Namespace) -> Client:
    pool = await create_pool(RedisSettings.from_dsn(args.redis))
    return Client(submit=lambda sent: pool.enqueue_job("noop", sent), close=pool.aclose)


def run_worker(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    options = {"max_jobs": int(args.variant)} if args.variant else {}
    worker = Worker(
        functions=[func(noop, name="noop")],
        redis_settings=RedisSettings.from_dsn(args.redis),
        **options,
    )
    worker.run()


if __name__ == "__main__":
    from bench.peers import arq as peer

    main(peer.open_client, peer.run_worker)
