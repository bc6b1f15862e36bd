"""Taskiq as a peer, on taskiq-redis: `kiq` per job (no bulk API); the `taskiq worker`
command with one worker process and its defaults (100 tasks at once per process).

`--variant list` uses `ListQueueBroker` (BRPOP on a list), `--variant stream` (the
default) `RedisStreamBroker` (consumer group, XREADGROUP up to 100 at a time, XACK).
The worker command imports `bench.peers.taskiq:broker`, built from BENCH_REDIS_URL and
BENCH_VARIANT, which this module's entry point sets from its arguments.
"""

from __future__ import annotations

import argparse
import os
import sys

from taskiq import AsyncBroker
from taskiq_redis import ListQueueBroker, RedisStreamBroker

from bench.peers.common import Client, arguments, main, record

QUEUE = "bench"


def make_broker(url: str, variant: str) -> AsyncBroker:
    if variant == "list":
        return ListQueueBroker(url, queue_name=QUEUE)
    return RedisStreamBroker(url, queue_name=QUEUE)


broker = make_broker(
    os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
    os.environ.get("BENCH_VARIANT", ""),
)


@broker.task(task_name="noop")
async def noop(sent: float) -> None:
    record(sent)


async def open_client(args: argparse.Namespace) -> Client:
    client_broker = make_broker(args.redis, args.variant)
    task = client_broker.register_task(noop.original_func, task_name="noop")
    await client_broker.startup()
    return Client(submit=task.kiq, close=client_broker.shutdown)


def run_worker(args: argparse.Namespace) -> None:
    from taskiq.__main__ import main as taskiq_cli

    sys.argv = ["taskiq", "worker", f"{__name__}:broker", "--workers", "1"]
    sys.argv += ["--log-level", "WARNING"]
    taskiq_cli()


if __name__ == "__main__":
    # The worker command forks its worker process from this one, which must have imported
    # `bench.peers.taskiq` with the broker for this run: set its environment first.
    options = arguments()
    os.environ["BENCH_REDIS_URL"] = options.redis
    os.environ["BENCH_VARIANT"] = options.variant
    from bench.peers import taskiq as peer

    main(peer.open_client, peer.run_worker)
