"""Celery as a peer: `delay` per job (no bulk API) over its Redis broker; a solo worker.

`--pool=solo` runs tasks in the worker's main thread, the fastest pool for a no-op (no
hand-off to a child process or thread); gossip, mingle and heartbeat are off, as
Celery's docs suggest when they are not needed. `--variant N` is the prefetch multiplier
(Celery's default 4; its docs suggest raising it for many short tasks).
"""

from __future__ import annotations

import argparse
import logging

from celery import Celery

from bench.peers.common import Client, main, record

app = Celery("bench")
app.conf.task_ignore_result = True


@app.task(name="noop")
def noop(sent: float) -> None:
    record(sent)


def open_client(args: argparse.Namespace) -> Client:
    app.conf.broker_url = args.redis
    return Client(submit=noop.delay, close=app.close)


def run_worker(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    app.conf.broker_url = args.redis
    argv = ["worker", "--pool=solo", "--loglevel=WARNING"]
    argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    if args.variant:
        argv.append(f"--prefetch-multiplier={args.variant}")
    app.worker_main(argv)


if __name__ == "__main__":
    from bench.peers import celery as peer

    main(peer.open_client, peer.run_worker)
