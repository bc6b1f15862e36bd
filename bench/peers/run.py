"""genqueue against the Redis job queues, side by side: `make bench-peers`.

    .venv/bin/python bench/peers/run.py [--jobs 20000] [--repeats 1] [--timeout 120]
    PEERS="taskiq dramatiq" make bench-peers       # genqueue and a subset

For each system in turn, on its own Redis db (8 + its offset, emptied before and after):
enqueue N no-op jobs one at a time (and in bulk where the library can), drain them with
one and then two worker processes started afterwards, and send 500 jobs open-loop at
100/s to one idle worker. Prints the table and, as its last line,
`ratio to fastest Python peer: X.XX`; writes bench/results/peers.json.
See bench/README.md for how each figure is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/peers/run.py` puts bench/peers/ on the path

import redis  # noqa: E402

from bench.peers.harness import PhaseError  # noqa: E402
from bench.peers.phases import Plan, SystemTrial, owned_db  # noqa: E402
from bench.peers.report import Row, document, fastest_python_ratio, notes, table, write_json  # noqa: E402
from bench.peers.systems import (  # noqa: E402
    NODE_DIR,
    PEER_VENVS,
    System,
    selected,
    with_variants,
)

RESULTS = ROOT / "bench" / "results" / "peers.json"
PACKAGES = (
    "redis",
    "rq",
    "celery",
    "saq",
    "streaq",
    "dramatiq",
    "taskiq",
    "taskiq-redis",
    "bullmq",
)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _versions(url: str) -> dict[str, str]:
    found = {"redis_server": str(redis.Redis.from_url(url).info("server")["redis_version"])}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    arq_python = PEER_VENVS / "arq" / "bin" / "python"
    if arq_python.exists():
        probe = "from importlib.metadata import version; print(version('arq'))"
        found["arq"] = subprocess.run(
            [str(arq_python), "-c", probe], capture_output=True, text=True, check=False
        ).stdout.strip()
    node_bullmq = NODE_DIR / "node_modules" / "bullmq" / "package.json"
    if node_bullmq.exists():
        found["bullmq_node"] = json.loads(node_bullmq.read_text())["version"]
    return found


def _run_system(system: System, plan: Plan, repeats: int) -> Row:
    missing = system.missing()
    if missing:
        _progress(f"{system.name}: not run: {missing}")
        return Row(system, [], missing)
    trials = []
    for trial in range(1, repeats + 1):
        started = time.monotonic()
        try:
            with tempfile.TemporaryDirectory(dir=plan.workdir) as tmp, owned_db(plan, system) as db:
                result = SystemTrial(system, plan, db, Path(tmp)).run()
        except PhaseError as exc:  # its Redis db is not ours to use
            _progress(f"{system.name}: not run: {exc}")
            return Row(system, trials, str(exc))
        trials.append(result)
        figures = ", ".join(
            f"{k} {v:,.1f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in result.figures.items()
        )
        _progress(
            f"{system.name} trial {trial}/{repeats} ({time.monotonic() - started:.0f} s): {figures}"
        )
        for error in result.errors:
            _progress(f"  {system.name}: {error}")
    return Row(system, trials)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--jobs", type=int, default=20_000, help="jobs per enqueue and drain")
    parser.add_argument("--repeats", type=int, default=1, help="trials per system (median)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per phase")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="the server, no db")
    parser.add_argument("--first-db", type=int, default=8, help="dbs used: this one to +7")
    parser.add_argument(
        "--peers", default=os.environ.get("PEERS", ""), help="a subset (default: $PEERS, or all)"
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="SYSTEM=VALUE",
        help="try another setting: a system's --variant (e.g. taskiq=list, celery=64)",
    )
    parser.add_argument(
        "--genqueue-store",
        help="checks only: run genqueue on this store URL (e.g. sqlite:////tmp/q.db) instead",
    )
    return parser.parse_args()


def _stop_on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds through every phase's cleanup


def main() -> int:
    args = _arguments()
    systems = with_variants(selected(args.peers), args.variant)
    try:
        versions = _versions(args.redis)
    except redis.RedisError as exc:
        _progress(f"Redis at {args.redis} does not answer: {exc}")
        return 2
    signal.signal(signal.SIGTERM, _stop_on_signal)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="genqueue-peers-") as workdir:
        plan = Plan(
            redis_url=args.redis,
            jobs=args.jobs,
            timeout=args.timeout,
            workdir=Path(workdir),
            first_db=args.first_db,
            genqueue_store=args.genqueue_store,
        )
        rows = [_run_system(system, plan, args.repeats) for system in systems]
    ratio = fastest_python_ratio(rows)
    write_json(RESULTS, document(plan, args.repeats, rows, versions))
    print(
        f"\n{args.jobs:,} no-op jobs per drain, median of {args.repeats} trial(s), "
        f"{time.monotonic() - started:.0f} s; e2e: first job start to last job end, from the "
        "handlers' own stamps;\nlatency: one idle worker process, 500 jobs at 100/s after 1 s "
        "idle; cmds/job: INFO commandstats (Lua's inner calls included) over the 1-process "
        f"run.\nRedis {versions['redis_server']} at {args.redis}; all figures: "
        f"{RESULTS.relative_to(ROOT)}\n"
    )
    print(table(rows))
    print()
    print(notes(rows))
    print(f"\nratio to fastest Python peer: {'n/a' if ratio is None else f'{ratio:.2f}'}")
    return 0 if ratio is not None else 1


if __name__ == "__main__":
    sys.exit(main())
