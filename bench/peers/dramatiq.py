"""Dramatiq as a peer: `Actor.send` per job (no bulk API) over its `RedisBroker`; a
`Worker` at its default 8 threads (`--variant N` sets them), the default middleware."""

from __future__ import annotations

import argparse
import logging
import signal
import threading

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from bench.peers.common import Client, main, record

QUEUE = "bench"


def noop(sent: float) -> None:
    record(sent)


def _actor(args: argparse.Namespace) -> tuple[RedisBroker, dramatiq.Actor[[float], None]]:
    broker = RedisBroker(url=args.redis)
    actor = dramatiq.actor(noop, broker=broker, actor_name="noop", queue_name=QUEUE)
    return broker, actor


def open_client(args: argparse.Namespace) -> Client:
    broker, actor = _actor(args)
    return Client(submit=actor.send, close=broker.close)


def run_worker(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    broker, _ = _actor(args)
    threads = {"worker_threads": int(args.variant)} if args.variant else {}
    worker = dramatiq.Worker(broker, **threads)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker.start()
    stop.wait()
    worker.stop()
    broker.close()


if __name__ == "__main__":
    from bench.peers import dramatiq as peer

    main(peer.open_client, peer.run_worker)
