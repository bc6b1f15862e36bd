"""Running wrk for `api_load.py`: one measured run, with the CPU the server and wrk itself
used meanwhile (so a reader can see that the load generator was not the bottleneck)."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parent / "wrk" / "jobs.lua"
REQUEST_TIMEOUT = "30s"  # long enough that a slow answer at 1,000 connections is latency
MARKER = "WRKJSON "
DRAIN_TIMEOUT = 60.0
DRAIN_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Load:
    """What one wrk run sends: `mode` submit or status, `data_file` its tokens or pairs."""

    mode: str
    data_file: Path
    job_type: str
    connections: int
    threads: int


@dataclass(frozen=True)
class Cell:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    unaccepted: int
    requests: int
    mean_ms: float
    max_ms: float
    server_cpu_percent: float
    wrk_cpu_percent: float
    server_cpu_ms_per_request: float


def wrk_argv(port: int, load: Load, seconds: float) -> list[str]:
    args = [load.mode, str(load.data_file)]
    if load.mode == "submit":
        args.append(load.job_type)
    return [
        "wrk",
        f"--threads={load.threads}",
        f"--connections={load.connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={REQUEST_TIMEOUT}",
        f"--script={SCRIPT}",
        f"http://127.0.0.1:{port}",
        "--",
        *args,
    ]


def run_wrk(port: int, load: Load, seconds: float) -> dict[str, Any]:
    """wrk's figures, plus `unaccepted`: the connections waiting in the server's accept queue
    half-way through the run (clients that got no answer at all, not even slow ones)."""
    with subprocess.Popen(
        wrk_argv(port, load, seconds), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=seconds / 2)
        except subprocess.TimeoutExpired:
            unaccepted = accept_queue(port)
            stdout, stderr = proc.communicate(timeout=seconds + 120)
        else:
            unaccepted = 0
    for line in stdout.splitlines():
        if line.startswith(MARKER):
            figures: dict[str, Any] = json.loads(line[len(MARKER) :])
            figures["unaccepted"] = unaccepted
            return figures
    raise RuntimeError(f"wrk exited {proc.returncode}: {stderr.strip() or stdout}")


def accept_queue(port: int) -> int:
    """Connections the kernel completed but the server has not accepted yet (Recv-Q of the
    listening socket, as `ss` shows it); 0 where iproute2's `ss` is missing."""
    if shutil.which("ss") is None:
        return 0
    listing = subprocess.run(
        ["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=False
    )
    fields = listing.stdout.split()
    return int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0


def drain(port: int, timeout: float = DRAIN_TIMEOUT) -> None:
    """Wait until the server has accepted every connection a finished wrk run left queued
    (closed ones too), so that no run starts behind the last one's leftovers."""
    deadline = time.monotonic() + timeout
    while accept_queue(port) > 0 and time.monotonic() < deadline:
        time.sleep(DRAIN_POLL_SECONDS)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(port: int, load: Load, seconds: float, server_cpu: Callable[[], float]) -> Cell:
    drain(port)
    cpu_before, wrk_before, wall_before = server_cpu(), _children_cpu(), time.monotonic()
    figures = run_wrk(port, load, seconds)
    wall = time.monotonic() - wall_before
    cpu = server_cpu() - cpu_before
    errors = sum(
        figures[key]
        for key in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return Cell(
        requests_per_second=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=errors,
        unaccepted=figures["unaccepted"],
        requests=figures["requests"],
        mean_ms=figures["mean_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        server_cpu_percent=100 * cpu / wall,
        wrk_cpu_percent=100 * (_children_cpu() - wrk_before) / wall,
        server_cpu_ms_per_request=1000 * cpu / max(figures["requests"], 1),
    )


def median_cell(cells: Sequence[Cell]) -> Cell:
    """The trial with the median throughput (its own latencies with it, not mixed)."""
    ordered = sorted(cells, key=lambda cell: cell.requests_per_second)
    return ordered[(len(ordered) - 1) // 2]
