"""RQ as a peer: `Queue.enqueue` per job, `enqueue_many` in bulk; a `SimpleWorker`.

`SimpleWorker` runs each job in the worker process itself: RQ's default `Worker` forks a
child per job, which costs more than a no-op by orders of magnitude.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from redis import Redis
from rq import Queue, SimpleWorker

from bench.peers.common import Client, main, record

QUEUE = "bench"
TASK = "bench.peers.rq.noop"


def noop(sent: float) -> None:
    record(sent)


def open_client(args: argparse.Namespace) -> Client:
    connection = Redis.from_url(args.redis)
    queue = Queue(QUEUE, connection=connection)

    def bulk(sents: Sequence[float]) -> None:
        queue.enqueue_many([Queue.prepare_data(TASK, (sent,)) for sent in sents])

    return Client(
        submit=lambda sent: queue.enqueue(TASK, sent),
        submit_bulk=bulk,
        close=connection.close,
    )


def run_worker(args: argparse.Namespace) -> None:
    connection = Redis.from_url(args.redis)
    worker = SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection)
    worker.work(logging_level="WARNING")


if __name__ == "__main__":
    from bench.peers import rq as peer

    main(peer.open_client, peer.run_worker)
