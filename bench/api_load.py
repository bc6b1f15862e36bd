"""genqueue's HTTP API under 1,000 concurrent clients, beside bare FastAPI and Starlette.

Run with `make bench-api` (or `.venv/bin/python bench/api_load.py`). The load generator is
wrk (C, epoll, one thread by default) driving `wrk/jobs.lua`, so that on a 2-core machine
the figure is the server's, not the client's: each of its connections is one client with one
request in flight (closed loop), and every request carries the next of `--users` HS256
tokens in turn, so the per-user limits and caches see 1,000 distinct users.

Cells, per system and per `--connections` value (default 64 and 1,000):
    submit   POST /api/v1/jobs {"type": "demo", "data": {"steps": 1}} answered 202
    status   GET /api/v1/jobs/{jobId}, each user reading its own job (one job per user,
             submitted just before), answered 200
Each trial of a cell is a `--warmup` run whose figures are dropped, then a `--seconds` run:
requests/s over wrk's own clock, p50 and p99 latency (wrk's, per request, in ms), the
requests that failed (socket errors, timeouts or a status of 400 and over), the connections still
waiting in the server's accept queue half-way through (clients with no answer at all), and
the CPU the server process and wrk used over the measured run.

Systems, each one uvicorn process on loopback with a fresh store:
    genqueue, SQLite     `genqueue serve`, GENQUEUE_WORKERS=0 (API only), a fresh file
    genqueue, Redis      the same on 127.0.0.1:6379 under a fresh key prefix (deleted
                         afterwards); "unavailable" when this build has no Redis store
    bare FastAPI         bench/bare_fastapi.py: the same two routes, pydantic body, canned
                         answer of the same shape, no queue behind (the reference)
    bare Starlette       bench/bare_starlette.py: the same without FastAPI
    genqueue, SQLite, N workers   as the first with embedded workers on (what `serve`
                         does by default), so the jobs run while the API answers
The first four are served side by side, each idle while another is measured, and take turns
within every cell (the order rotating each of `--repeats` trials; each figure is the median
trial), so that a noisy machine hits them alike; the workers row runs alone afterwards.
The bare servers get the loop and HTTP implementation genqueue's uvicorn picks, one worker
and no access log. Per-user limits are set out of reach (GENQUEUE_SUBMIT_RATE and
GENQUEUE_API_RATE) but still counted, and credits are plenty, so every request does its
whole work.

Prints one table, writes bench/results/api_load.json, and ends with
`ratio to bare FastAPI: submit X.XX, status Y.YY`: genqueue on SQLite over bare FastAPI at
the largest connection count, in the same run (targets: submit 0.6, status 0.7).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/x.py` puts bench/, not the checkout, on the path

from bench.api_http import (  # noqa: E402
    ProbeError,
    hs256_token,
    pending_jobs,
    probe,
    seed_jobs,
    user_tokens,
)
from bench.api_profile import recording  # noqa: E402
from bench.api_servers import (  # noqa: E402
    REDIS_URL,
    Server,
    ServerSpec,
    Unavailable,
    delete_redis_keys,
    redis_answers,
    redis_prefix,
    running,
)
from bench.api_wrk import Cell, Load, drain, measure, median_cell, run_wrk  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "api_load.json"
BIN = Path(sys.executable).parent
SECRET = "api-load-bench-secret-not-for-production"
JOB_TYPE = "demo"
OUT_OF_REACH = "100000000/minute"
PLENTY_OF_CREDITS = "1000000000"
TARGETS = {"submit": 0.6, "status": 0.7}
ROUTES = ("submit", "status")


@dataclass(frozen=True)
class System:
    key: str
    name: str
    store: str | None  # "sqlite" or "redis" for genqueue, None for a bare reference
    workers: int = 0
    module: str = ""


def systems(workers: int) -> list[System]:
    listed = [
        System("fastapi", "bare FastAPI", None, module="bench.bare_fastapi:app"),
        System("starlette", "bare Starlette", None, module="bench.bare_starlette:app"),
        System("genqueue_sqlite", "genqueue, SQLite", "sqlite"),
        System("genqueue_redis", "genqueue, Redis", "redis"),
    ]
    if workers > 0:
        listed.append(
            System(
                "genqueue_sqlite_workers", f"genqueue, SQLite, {workers} workers", "sqlite", workers
            )
        )
    return listed


def uvicorn_impl() -> tuple[str, str]:
    """The loop and HTTP implementation uvicorn's `auto` picks here, which is what genqueue's
    `serve` runs on; the bare servers are given the same explicitly."""
    loop = "uvloop" if _importable("uvloop") else "asyncio"
    http = "httptools" if _importable("httptools") else "h11"
    return loop, http


def _importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


@contextlib.contextmanager
def store_url(system: System, workdir: Path) -> Iterator[str]:
    """A fresh store per trial: a new SQLite file, or a new Redis prefix deleted afterwards."""
    if system.store == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="sqlite-", dir=workdir))
        try:
            yield f"sqlite:///{directory / 'api.db'}"
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    elif system.store == "redis":
        if not redis_answers():
            raise Unavailable("no Redis answers on 127.0.0.1:6379")
        prefix = redis_prefix()
        try:
            yield f"{REDIS_URL}?prefix={prefix}"
        finally:
            delete_redis_keys(prefix)
    else:
        yield ""


def server_spec(system: System, url: str) -> ServerSpec:
    if system.store is None:
        loop, http = uvicorn_impl()
        argv = [sys.executable, "-m", "uvicorn", system.module, "--workers", "1"]
        argv += ["--loop", loop, "--http", http, "--no-access-log", "--log-level", "warning"]
        return ServerSpec(argv, {"PYTHONPATH": str(ROOT)}, "/health", ROOT)
    env = {
        "GENQUEUE_STORE_URL": url,
        "GENQUEUE_JWT_SECRET": SECRET,
        "GENQUEUE_WORKERS": str(system.workers),
        "GENQUEUE_SUBMIT_RATE": OUT_OF_REACH,
        "GENQUEUE_API_RATE": OUT_OF_REACH,
        "GENQUEUE_INITIAL_CREDITS": PLENTY_OF_CREDITS,
        "GENQUEUE_LOG_LEVEL": "warning",
    }
    return ServerSpec([str(BIN / "genqueue"), "serve"], env, "/ready", ROOT)


@dataclass(frozen=True)
class Plan:
    connections: Sequence[int]
    seconds: float
    warmup: float
    threads: int
    tokens_file: Path
    tokens: Sequence[str]
    admin_token: str
    workdir: Path
    profile_dir: Path | None


Trials = dict[str, dict[str, list[Cell]]]
Backlog = dict[str, int | None]


def start_servers(
    listed: Sequence[System], plan: Plan, stack: contextlib.ExitStack, unavailable: dict[str, str]
) -> dict[System, Server]:
    """Start and probe each system's server (fresh store each); the stack stops them all.
    A system that cannot be measured is recorded in `unavailable` and left out."""
    servers: dict[System, Server] = {}
    for system in listed:
        try:
            url = stack.enter_context(store_url(system, plan.workdir))
            spec = server_spec(system, url)
            server = stack.enter_context(running(spec, plan.workdir / f"{system.key}.log"))
            probe(server.port, plan.tokens[0], JOB_TYPE)
        except (Unavailable, ProbeError, OSError) as exc:
            unavailable[system.key] = str(exc)
            _progress(f"  {system.name}: unavailable: {exc}")
            continue
        servers[system] = server
    return servers


def run_cells(
    servers: dict[System, Server], plan: Plan, repeats: int, trials: Trials, backlog: Backlog
) -> None:
    """Submissions first, then reads of one seeded job per user. Within each cell the servers
    take turns, the order rotating each trial, so machine noise hits them alike. `backlog`
    gets the jobs each genqueue holds pending when its reads start (a job's position costs
    more the more jobs wait ahead of it)."""
    listed = list(servers)
    for route in ROUTES:
        data_files = {system: plan.tokens_file for system in listed}
        if route == "status":
            data_files = {system: _seed(system, servers[system], plan) for system in listed}
            for system in listed:
                backlog[system.key] = pending_jobs(servers[system].port, plan.admin_token)
        for conns in plan.connections:
            for trial in range(repeats):
                shift = trial % len(listed)
                for system in [*listed[shift:], *listed[:shift]]:
                    load = Load(route, data_files[system], JOB_TYPE, conns, plan.threads)
                    cell = _cell(system, servers[system], load, plan, trial)
                    trials[system.key].setdefault(f"{route}@{conns}", []).append(cell)


def _seed(system: System, server: Server, plan: Plan) -> Path:
    pairs = seed_jobs(server.port, plan.tokens, JOB_TYPE)
    pairs_file = plan.workdir / f"pairs-{system.key}.txt"
    pairs_file.write_text("".join(f"{token} {job_id}\n" for token, job_id in pairs))
    return pairs_file


def _cell(system: System, server: Server, load: Load, plan: Plan, trial: int) -> Cell:
    if plan.warmup > 0:
        drain(server.port)
        run_wrk(server.port, load, plan.warmup)
    spy: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    if plan.profile_dir is not None:
        name = f"{system.key}-{load.mode}-{load.connections}-{trial}.txt"
        spy = recording(server.process.pid, plan.profile_dir / name, plan.seconds)
    with spy:
        cell = measure(server.port, load, plan.seconds, server.cpu_seconds)
    _progress(
        f"  {system.name:<34} {load.mode:<6} @{load.connections:<5} "
        f"{cell.requests_per_second:9,.0f} req/s  p50 {cell.p50_ms:7.1f} ms  "
        f"p99 {cell.p99_ms:7.1f} ms  errors {cell.errors}"
    )
    return cell


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_all(
    listed: Sequence[System], plan: Plan, repeats: int
) -> tuple[Trials, dict[str, str], Backlog]:
    """The API-only servers run side by side (idle while another is measured); a row with
    embedded workers runs alone afterwards, as its workers keep the machine busy."""
    trials: Trials = {system.key: {} for system in listed}
    unavailable: dict[str, str] = {}
    backlog: Backlog = {}
    groups = [[s for s in listed if s.workers == 0], *([s] for s in listed if s.workers > 0)]
    for group in filter(None, groups):
        with contextlib.ExitStack() as stack:
            _progress(f"serving: {', '.join(system.name for system in group)}")
            servers = start_servers(group, plan, stack, unavailable)
            if servers:
                run_cells(servers, plan, repeats, trials, backlog)
    return trials, unavailable, backlog


def medians(trials: Trials) -> dict[str, dict[str, Cell]]:
    return {
        system: {key: median_cell(cells) for key, cells in by_cell.items()}
        for system, by_cell in trials.items()
    }


def ratio(
    figures: dict[str, dict[str, Cell]], system: str, route: str, conns: int, *, cpu: bool = False
) -> float | None:
    """Throughput over bare FastAPI's; with `cpu`, bare FastAPI's server CPU per request over
    ours (what the throughput ratio would be if both had a core to themselves)."""
    ours = figures.get(system, {}).get(f"{route}@{conns}")
    base = figures.get("fastapi", {}).get(f"{route}@{conns}")
    if ours is None or base is None:
        return None
    if cpu:
        if ours.server_cpu_ms_per_request == 0:
            return None
        return base.server_cpu_ms_per_request / ours.server_cpu_ms_per_request
    if base.requests_per_second == 0:
        return None
    return ours.requests_per_second / base.requests_per_second


def table(
    listed: Sequence[System],
    figures: dict[str, dict[str, Cell]],
    unavailable: dict[str, str],
    connections: Sequence[int],
) -> str:
    head = (
        f"{'system':<34} {'route':<7} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7} {'unaccepted':>10} {'server CPU':>10} {'CPU ms/req':>10} {'wrk CPU':>8}"
    )
    lines = [head, "-" * len(head)]
    for system in listed:
        if system.key in unavailable:
            lines.append(f"{system.name:<34} unavailable: {unavailable[system.key]}")
            continue
        for route in ROUTES:
            for conns in connections:
                cell = figures[system.key].get(f"{route}@{conns}")
                if cell is None:
                    continue
                lines.append(
                    f"{system.name:<34} {route:<7} {conns:>5} {cell.requests_per_second:>9,.0f} "
                    f"{cell.p50_ms:>8.1f} {cell.p99_ms:>8.1f} {cell.errors:>7} "
                    f"{cell.unaccepted:>10} {cell.server_cpu_percent:>9.0f}% "
                    f"{cell.server_cpu_ms_per_request:>10.3f} {cell.wrk_cpu_percent:>7.0f}%"
                )
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def ratio_lines(figures: dict[str, dict[str, Cell]], connections: Sequence[int]) -> list[str]:
    lines = []
    for system, label in (("genqueue_sqlite", "SQLite"), ("genqueue_redis", "Redis")):
        for conns in connections:
            submit = ratio(figures, system, "submit", conns)
            status = ratio(figures, system, "status", conns)
            cpu_submit = ratio(figures, system, "submit", conns, cpu=True)
            cpu_status = ratio(figures, system, "status", conns, cpu=True)
            lines.append(
                f"genqueue {label} / bare FastAPI at {conns} connections: "
                f"submit {_fmt(submit)} (target {TARGETS['submit']}), "
                f"status {_fmt(status)} (target {TARGETS['status']}); "
                f"by CPU per request: submit {_fmt(cpu_submit)}, status {_fmt(cpu_status)}"
            )
    top = max(connections)
    lines.append(
        f"ratio to bare FastAPI: submit {_fmt(ratio(figures, 'genqueue_sqlite', 'submit', top))}, "
        f"status {_fmt(ratio(figures, 'genqueue_sqlite', 'status', top))}"
    )
    return lines


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "missing"


def machine() -> dict[str, Any]:
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    loop, http = uvicorn_impl()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "",
        "uvicorn_loop": loop,
        "uvicorn_http": http,
        **{name: _version(name) for name in ("fastapi", "starlette", "uvicorn", "pydantic")},
    }


def write_results(
    args: argparse.Namespace,
    trials: Trials,
    figures: dict[str, dict[str, Cell]],
    unavailable: dict[str, str],
    backlog: Backlog,
    summary: list[str],
) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "settings": vars(args),
        "machine": machine(),
        "median": {s: {k: asdict(c) for k, c in cells.items()} for s, cells in figures.items()},
        "trials": {
            s: {k: [asdict(c) for c in cells] for k, cells in by.items()}
            for s, by in trials.items()
        },
        "unavailable": unavailable,
        "pending_during_status_reads": backlog,
        "summary": summary,
    }
    RESULTS.write_text(json.dumps(document, indent=2, default=str) + "\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--connections", type=int, nargs="+", default=[64, 1000])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured run per trial")
    parser.add_argument("--warmup", type=float, default=2.0, help="dropped run before each trial")
    parser.add_argument("--repeats", type=int, default=3, help="trials per cell; median kept")
    parser.add_argument("--users", type=int, default=1000, help="distinct users (tokens)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--workers", type=int, default=5, help="embedded workers of the extra row (0: no row)"
    )
    parser.add_argument("--only", nargs="+", help="system keys to run (fastapi, starlette, ...)")
    parser.add_argument(
        "--profile", type=Path, help="record py-spy (100 Hz) of each cell's server into this folder"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench-api does it)")
    listed = [s for s in systems(args.workers) if not args.only or s.key in args.only]
    with tempfile.TemporaryDirectory(prefix="genqueue-api-load-") as tmp:
        workdir = Path(tmp)
        tokens = user_tokens(SECRET, args.users)
        tokens_file = workdir / "tokens.txt"
        tokens_file.write_text("".join(f"{token}\n" for token in tokens))
        if args.profile is not None:
            args.profile.mkdir(parents=True, exist_ok=True)
        plan = Plan(
            args.connections,
            args.seconds,
            args.warmup,
            args.threads,
            tokens_file,
            tokens,
            hs256_token(SECRET, "bench-admin", 6 * 3600, admin=True),
            workdir,
            args.profile,
        )
        trials, unavailable, backlog = run_all(listed, plan, args.repeats)
    figures = medians(trials)
    summary = ratio_lines(figures, args.connections)
    print(table(listed, figures, unavailable, args.connections))
    names = {system.key: system.name for system in listed}
    waiting = [f"{names[key]} {count:,}" for key, count in backlog.items() if count is not None]
    if waiting:
        print(f"jobs pending while the status reads ran: {'; '.join(waiting)}")
    print()
    write_results(args, trials, figures, unavailable, backlog, summary)
    print("\n".join(summary))


if __name__ == "__main__":
    main()
