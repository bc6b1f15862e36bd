"""The systems `make bench-peers` runs, each with the settings it runs with.

Each runs as `python -m bench.peers.MODULE` (or `node bullmq_node/*.js`) on its own Redis
db, so that a crashed run leaves nothing behind in another's keys; one system at a time,
so that the server's command counters and CPU time belong to that system alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bench.peers.harness import ROOT

VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PEER_VENVS = ROOT / ".venv-peers"
NODE_DIR = ROOT / "bench" / "peers" / "bullmq_node"


@dataclass(frozen=True)
class System:
    name: str
    """The row's name."""
    selector: str
    """What PEERS= names to pick this row (arq picks both arq rows)."""
    module: str
    db_offset: int
    settings: str
    variant: str = ""
    prefix: str = "bench"
    bulk: bool = False
    python: bool = True
    venv: str | None = None
    """A peer whose pins conflict with the others' has its own venv under .venv-peers/."""

    def client(self) -> list[str]:
        return self._command("producer.js")

    def worker(self) -> list[str]:
        return self._command("worker.js")

    def _command(self, script: str) -> list[str]:
        if not self.python:
            return ["node", str(NODE_DIR / script)]
        return [str(self.interpreter()), "-m", f"bench.peers.{self.module}"]

    def interpreter(self) -> Path:
        return PEER_VENVS / self.venv / "bin" / "python" if self.venv else VENV_PYTHON

    def missing(self) -> str | None:
        """Why this system cannot run here, or None."""
        if not self.python:
            if shutil.which("node") is None:
                return "node is not on PATH"
            if not (NODE_DIR / "node_modules" / "bullmq").is_dir():
                return f"run `npm install` in {NODE_DIR.relative_to(ROOT)} (make bench-peers does)"
            return None
        if not self.interpreter().exists():
            return f"{self.interpreter().relative_to(ROOT)} is missing: run make bench-peers"
        return None


GENQUEUE = System(
    "genqueue",
    "genqueue",
    "genqueue",
    0,
    "Redis store; Engine.submit per job (no bulk API yet); genqueue worker, concurrency 5 "
    "(its default)",
)

PEERS = (
    System(
        "arq",
        "arq",
        "arq",
        1,
        "defaults: max_jobs=10, poll_delay=0.5 s (a new job waits for the next poll); "
        "no bulk API; own venv (arq pins redis<6)",
        venv="arq",
    ),
    System(
        "arq max_jobs=100",
        "arq",
        "arq",
        1,
        "max_jobs=100, poll_delay=0.5 s; own venv",
        variant="100",
        venv="arq",
    ),
    System(
        "rq",
        "rq",
        "rq",
        2,
        "SimpleWorker (no fork per job); enqueue_many (one pipeline) in bulk",
        bulk=True,
    ),
    System(
        "celery",
        "celery",
        "celery",
        3,
        "Redis broker, --pool=solo, prefetch multiplier 4 (default), without gossip/mingle/"
        "heartbeat, results ignored; no bulk API",
    ),
    System("saq", "saq", "saq", 4, "Worker concurrency 10 (default); no bulk API"),
    System(
        "streaq",
        "streaq",
        "streaq",
        5,
        "Worker concurrency 16 (default), silent task; enqueue_many (one pipeline) in bulk",
        bulk=True,
    ),
    System(
        "dramatiq",
        "dramatiq",
        "dramatiq",
        6,
        "RedisBroker, Worker with 8 threads (default), default middleware; no bulk API",
    ),
    System(
        "taskiq",
        "taskiq",
        "taskiq",
        7,
        "taskiq-redis RedisStreamBroker (faster here than ListQueueBroker), "
        "taskiq worker --workers 1, max 100 async tasks (default); no bulk API",
        variant="stream",
    ),
    System(
        "bullmq (Python)",
        "bullmq",
        "bullmq",
        4,
        "Worker concurrency 100 (default 1); addBulk in bulk; key prefix bench-py",
        prefix="bench-py",
        bulk=True,
    ),
    System(
        "BullMQ (Node)",
        "bullmq-node",
        "bullmq_node",
        5,
        "bullmq 6.7.0 on Node, Worker concurrency 100 (default 1); addBulk in bulk; "
        "key prefix bench-node; not a Python peer",
        prefix="bench-node",
        bulk=True,
        python=False,
    ),
)

SELECTORS = tuple(dict.fromkeys(system.selector for system in PEERS))


def selected(names: str) -> list[System]:
    """genqueue, then the peers PEERS= names (space or comma separated; empty: all)."""
    wanted = set(names.replace(",", " ").split())
    unknown = wanted - set(SELECTORS) - {"genqueue"}
    if unknown:
        raise SystemExit(f"unknown peer(s) {sorted(unknown)}: choose from {' '.join(SELECTORS)}")
    return [GENQUEUE, *(s for s in PEERS if not wanted or s.selector in wanted)]


def with_variants(systems: Sequence[System], overrides: Sequence[str]) -> list[System]:
    """`taskiq=list` runs the taskiq row with `--variant list`, its settings note saying so."""
    chosen = dict(item.partition("=")[::2] for item in overrides)
    return [
        replace(s, variant=chosen[s.name], settings=f"{s.settings}; --variant {chosen[s.name]}")
        if s.name in chosen
        else s
        for s in systems
    ]
