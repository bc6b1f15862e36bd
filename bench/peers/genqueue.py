"""genqueue as a peer: `Engine.submit` per job, `genqueue worker` as the worker process.

`--redis` carries the whole store URL (`redis://127.0.0.1:6379/8?prefix=bench`, or a
`sqlite:///` URL for checking this adapter without Redis); `--variant` is the worker's
`--concurrency` (default: the worker's own, 5). genqueue has no bulk enqueue yet.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from bench.peers.common import Client, main, record
from genqueue import Engine, JobContext, Registry, open_store

QUEUE = "bench"
JOB_TYPE = "noop"
OWNER = "bench"

registry = Registry()


@registry.job(JOB_TYPE, queue=QUEUE)
async def noop(ctx: JobContext, data: dict[str, Any]) -> None:
    record(data["sent"])


async def open_client(args: argparse.Namespace) -> Client:
    store = open_store(args.redis)
    await store.setup()
    engine = Engine(store, registry.catalog)
    return Client(
        submit=lambda sent: engine.submit(OWNER, JOB_TYPE, {"sent": sent}),
        close=store.close,
    )


def run_worker(args: argparse.Namespace) -> None:
    from genqueue.cli import main as genqueue_cli

    os.environ["GENQUEUE_STORE_URL"] = args.redis
    sys.argv = ["genqueue", "worker", "--app", __name__, "--log-level", "warning"]
    if args.variant:
        sys.argv += ["--concurrency", args.variant]
    genqueue_cli()


if __name__ == "__main__":
    from bench.peers import genqueue as peer

    main(peer.open_client, peer.run_worker)
