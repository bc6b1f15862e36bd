"""One trial: one server process, N subscribers over several client processes, 100 jobs
reporting progress from a separate process (genqueue's worker, or the feeder for the
bare servers); the server's CPU and memory over the window from the first report to the
last subscriber's final event."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.api_http import hs256_token
from bench.api_profile import recording
from bench.api_servers import Server, ServerSpec, running
from bench.realtime.feeder import job_ids

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET = "realtime-fanout-bench-secret-not-for-production"
OUT_OF_REACH = "100000000/minute"
SETTLE_SECONDS = 1.0


@dataclass(frozen=True)
class System:
    key: str
    name: str
    protocol: str  # "sse" or "sio"
    module: str = ""  # a bare server's ASGI app; empty for genqueue


SYSTEMS = [
    System("genqueue_sse", "genqueue SSE", "sse"),
    System("bare_sse", "bare SSE (Starlette)", "sse", "bench.realtime.bare_sse:app"),
    System("bare_sio", "bare python-socketio", "sio", "bench.realtime.bare_sio:app"),
    System("genqueue_sio", "genqueue Socket.IO", "sio"),
]


@dataclass(frozen=True)
class Load:
    subscribers: int
    jobs: int
    steps: int
    step_seconds: float
    client_processes: int


def spec(system: System, workdir: Path) -> tuple[ServerSpec, dict[str, str]]:
    uv = ["--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]
    if system.module:
        env = {"PYTHONPATH": str(ROOT), "BENCH_FEED_SOCKET": str(workdir / "feed.sock")}
        argv = [sys.executable, "-m", "uvicorn", system.module, *uv]
        return ServerSpec(argv, env, "/ready", ROOT), env
    env = {
        "GENQUEUE_STORE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "GENQUEUE_JWT_SECRET": SECRET,
        "GENQUEUE_WORKERS": "0",
        "GENQUEUE_SUBMIT_RATE": OUT_OF_REACH,
        "GENQUEUE_API_RATE": OUT_OF_REACH,
        "GENQUEUE_WS_MAX_PER_USER": "1000000",
        "GENQUEUE_LOG_LEVEL": "warning",
    }
    return ServerSpec([str(BIN / "genqueue"), "serve"], env, "/ready", ROOT), env


def submit_jobs(port: int, token: str, load: Load) -> list[str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = {"type": "demo", "data": {"steps": load.steps, "stepSeconds": load.step_seconds}}
    ids = []
    for _ in range(load.jobs):
        conn.request("POST", "/api/v1/jobs", json.dumps(body), _headers(token))
        answer = conn.getresponse()
        payload = answer.read()
        if answer.status != 202:
            raise RuntimeError(f"submit answered {answer.status}: {payload[:200]!r}")
        ids.append(json.loads(payload)["data"]["jobId"])
    conn.close()
    return ids


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


class Sampler(threading.Thread):
    """The server's resident memory every 0.1 s; `peak` is the largest seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.1):
            self.peak = max(self.peak, rss_bytes(self.pid))


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def start_clients(
    system: System, port: int, jobs: list[str], token: str, load: Load, workdir: Path
) -> list[tuple[subprocess.Popen[str], Path]]:
    clients = []
    share, extra = divmod(load.subscribers, load.client_processes)
    path = "/api/v1/jobs/{job}/events" if not system.module else "/events/{job}"
    for index in range(load.client_processes):
        count = share + (1 if index < extra else 0)
        out = workdir / f"latency-{index}.bin"
        # rotate the job list so every process spreads its subscribers over all jobs
        rotated = jobs[index:] + jobs[:index]
        argv = [sys.executable, "-m", "bench.realtime.clients", system.protocol]
        argv += ["--port", str(port), "--jobs", ",".join(rotated), "--count", str(count)]
        argv += ["--token", token, "--path", path, "--out", str(out)]
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        clients.append((process, out))
    return clients


def wait_ready(clients: list[tuple[subprocess.Popen[str], Path]]) -> tuple[int, int]:
    connected = failed = 0
    for process, _ in clients:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        if not line or line[0] != "ready":
            raise RuntimeError(f"a client process ended before it was ready: {line}")
        connected += int(line[1])
        failed += int(line[2])
    return connected, failed


def collect(
    clients: list[tuple[subprocess.Popen[str], Path]], deadline: float
) -> tuple[list[dict[str, Any]], array[float]]:
    results = []
    latencies: array[float] = array("d")
    for process, out in clients:
        assert process.stdout is not None
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), _stop, (process,))
        timer.start()
        results.append(json.loads(process.stdout.readline()))
        timer.cancel()
        _stop(process)
        process.wait(30)
        with out.open("rb") as file:
            latencies.frombytes(file.read())
    return results, latencies


def _stop(process: subprocess.Popen[str]) -> None:
    try:
        assert process.stdin is not None
        process.stdin.write("stop\n")
        process.stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass


def source(system: System, env: dict[str, str], load: Load, log: Path) -> subprocess.Popen[bytes]:
    """The process that reports progress: genqueue's worker, or the feeder."""
    if system.module:
        argv = [sys.executable, "-m", "bench.realtime.feeder", "--socket"]
        argv += [env["BENCH_FEED_SOCKET"], "--jobs", str(load.jobs)]
        argv += ["--steps", str(load.steps), "--step-seconds", str(load.step_seconds)]
    else:
        argv = [str(BIN / "genqueue"), "worker", "--concurrency", str(load.jobs)]
    with log.open("wb") as out:
        return subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


PROFILE_HZ = 500


def run_trial(system: System, load: Load, profile: Path | None = None) -> dict[str, Any]:
    """With `profile`, py-spy samples the server (at PROFILE_HZ, raw format) over the
    source's run into that file; the CPU figures of such a trial include py-spy's cost."""
    workdir = Path(tempfile.mkdtemp(prefix=f"rt-{system.key}-"))
    try:
        server_spec, env = spec(system, workdir)
        with running(server_spec, workdir / "server.log") as server:
            return _measure(system, server, env, load, workdir, profile)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _measure(
    system: System,
    server: Server,
    env: dict[str, str],
    load: Load,
    workdir: Path,
    profile: Path | None,
) -> dict[str, Any]:
    token = "" if system.module else hs256_token(SECRET, "bench", 3600)
    jobs = job_ids(load.jobs) if system.module else submit_jobs(server.port, token, load)
    clients = start_clients(system, server.port, jobs, token, load, workdir)
    try:
        connected, failed = wait_ready(clients)
        time.sleep(SETTLE_SECONDS)
        sampler = Sampler(server.process.pid)
        sampler.start()
        cpu_before, started = server.cpu_seconds(), time.time()
        reporter = source(system, env, load, workdir / "source.log")
        deadline = time.monotonic() + load.steps * load.step_seconds * 10 + 60
        spy = contextlib.nullcontext()
        if profile is not None:
            seconds = load.steps * load.step_seconds + 1
            spy = recording(server.process.pid, profile, seconds, PROFILE_HZ)
        with spy:
            results, latencies = collect(clients, deadline)
        cpu = server.cpu_seconds() - cpu_before
        sampler.stopped.set()
    finally:
        for process, _ in clients:
            if process.poll() is None:
                process.kill()
    reporter.terminate()
    reporter.wait(15)
    deliveries = sum(r["deliveries"] for r in results)
    finals = sum(r["finals"] for r in results)
    window = max(r["finished_at"] for r in results) - started
    ordered = sorted(latencies)
    return {
        "subscribers": load.subscribers,
        "connected": connected,
        "connect_failed": failed,
        "deliveries": deliveries,
        "unstamped": sum(r["unstamped"] for r in results),
        "lost_finals": connected - finals,
        "window_seconds": round(window, 3),
        "server_cpu_seconds": round(cpu, 3),
        "deliveries_per_cpu_second": round(deliveries / cpu, 1) if cpu > 0 else None,
        "deliveries_per_second": round(deliveries / window, 1) if window > 0 else None,
        "p50_ms": _quantile(ordered, 0.50),
        "p99_ms": _quantile(ordered, 0.99),
        "rss_mib": round(sampler.peak / 2**20, 1),
        "errors": [e for r in results for e in r["errors"]][:5],
    }


def _quantile(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)
