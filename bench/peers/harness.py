"""The library-agnostic half of `make bench-peers`: processes, stamps, Redis and CPU figures.

Every peer runs as separate processes (a client command, one or two workers), so the
harness never imports a peer: it reads the stamp lines their no-op handlers write, the
server's `INFO commandstats` and `INFO cpu`, and each worker's CPU time from /proc.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent.parent
MARKER = "genqueue-bench:owner"
"""Set in each Redis db the harness uses; a non-empty db without it is never touched."""
SCRIPT_COMMANDS = ("eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro")
POLL_SECONDS = 0.005
STOP_GRACE_SECONDS = 5.0
SETTLE_SECONDS = 0.1
"""After the last stamp: time for the last acknowledgements to reach Redis."""
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


class PhaseTimeout(Exception):
    """A phase ran past its deadline: its cell reads `timeout`; the message adds detail."""


class PhaseError(Exception):
    """A client or worker failed: its cell reads `error` and the message goes to the notes."""


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise PhaseTimeout("")
        return left


# -- processes -------------------------------------------------------------------------------


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """The checkout on the path, and no GENQUEUE_* or BENCH_* from the caller's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GENQUEUE_", "BENCH_"))}
    path = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, "PYTHONPATH": path, **extra}


@dataclass
class Process:
    """A process in its own session, so that stopping it stops whatever it started."""

    popen: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self) -> str:
        text = self.log.read_text(errors="replace").strip() if self.log.exists() else ""
        return text[-1500:] or f"exit status {self.popen.returncode}"

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, STOP_GRACE_SECONDS), (signal.SIGKILL, None)):
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.popen.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


@dataclass
class Processes:
    """Every process the harness starts, so that each is stopped whatever happens."""

    started: list[Process] = field(default_factory=list)

    def spawn(self, args: Sequence[str], log: Path, env: dict[str, str]) -> Process:
        with log.open("wb") as out:
            popen = subprocess.Popen(
                args,
                cwd=ROOT,
                env=child_env(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(popen, log)
        self.started.append(process)
        return process

    def run(self, args: Sequence[str], log: Path, deadline: Deadline) -> str:
        """Run a client command to its end; its last output line (JSON) is the answer."""
        process = self.spawn(args, log, {})
        try:
            process.popen.wait(deadline.remaining())
        except subprocess.TimeoutExpired:
            process.stop()
            raise PhaseTimeout("") from None
        if process.popen.returncode != 0:
            raise PhaseError(process.tail())
        return log.read_text().strip().splitlines()[-1]

    def stop_all(self) -> None:
        for process in self.started:
            process.stop()
        self.started.clear()


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # the name may hold spaces; fields after it


def tree_cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` and every live descendant (some peers' commands fork workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    ticks = 0
    for member in tree:
        if fields := _stat_fields(member):
            ticks += int(fields[11]) + int(fields[12])
    return ticks / CLOCK_TICK


# -- stamps ----------------------------------------------------------------------------------

Stamp = tuple[float, float, float]
"""(sent, start, end) of one job, Unix seconds, as its handler wrote them."""


class StampFile:
    """One worker process's stamp lines, counted as they arrive."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines = 0
        self._offset = 0

    def count(self) -> int:
        try:
            with self.path.open("rb") as f:
                f.seek(self._offset)
                chunk = f.read()
        except FileNotFoundError:
            return 0
        complete = chunk.rfind(b"\n") + 1
        self._offset += complete
        self.lines += chunk.count(b"\n", 0, complete)
        return self.lines

    def read(self) -> list[Stamp]:
        if not self.path.exists():
            return []
        rows = (line.split() for line in self.path.read_text().splitlines() if line)
        return [(float(a), float(b), float(c)) for a, b, c in rows]


def e2e_rate(per_process: Sequence[Sequence[Stamp]]) -> float:
    """Jobs/s from the moment every process has started its first job to the last job's end.

    With one process that is simply first start → last end. With two, the one that came
    up first has the queue to itself for a moment; counting from the later first start
    (and only the jobs started from then on) measures both processes draining together.
    """
    busy = [stamps for stamps in per_process if stamps]
    if len(busy) < len(per_process):
        raise PhaseError(f"only {len(busy)} of {len(per_process)} worker processes ran a job")
    since = max(min(start for _, start, _ in stamps) for stamps in busy)
    counted = [end for stamps in busy for _, start, end in stamps if start >= since]
    if len(counted) < 2:
        raise PhaseError("too few jobs ran once every worker process was up")
    return len(counted) / (max(counted) - since)


def latency_ms(stamps: Sequence[Stamp]) -> tuple[float, float]:
    """p50 and p99 of start − sent over the jobs of the open-loop stream (sent > 0)."""
    delays = [(start - sent) * 1000 for sent, start, _ in stamps if sent > 0]
    cuts = statistics.quantiles(delays, n=100, method="inclusive")
    return cuts[49], cuts[98]


# -- Redis -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerSample:
    commands: int
    scripts: int
    cpu_seconds: float

    def __sub__(self, other: ServerSample) -> ServerSample:
        return ServerSample(
            self.commands - other.commands,
            self.scripts - other.scripts,
            self.cpu_seconds - other.cpu_seconds,
        )


class RedisDb:
    """One numbered db the harness owns for a run: marked, emptied, and unmarked at the end."""

    def __init__(self, base_url: str, db: int) -> None:
        self.db = db
        self.client = redis.Redis.from_url(f"{base_url.rstrip('/')}/{db}")

    def claim(self) -> None:
        keys = self.client.dbsize()
        if keys and not self.client.exists(MARKER):
            raise PhaseError(
                f"Redis db {self.db} holds {keys} keys that are not the bench's: refusing to "
                "touch it (empty it yourself, or pick other dbs with --first-db)"
            )
        self.client.set(MARKER, json.dumps({"pid": os.getpid(), "at": time.time()}))
        self.clean()

    def clean(self) -> None:
        """Delete every key of this db but the marker (FLUSHDB is not used on a shared server)."""
        batch: list[bytes] = []
        for key in self.client.scan_iter(count=1000):
            if key != MARKER.encode():
                batch.append(key)
            if len(batch) >= 1000:
                self.client.unlink(*batch)
                batch.clear()
        if batch:
            self.client.unlink(*batch)

    def release(self) -> None:
        self.clean()
        self.client.delete(MARKER)
        self.client.close()

    def sample(self) -> ServerSample:
        stats = self.client.info("commandstats")
        calls = {name.removeprefix("cmdstat_"): int(row["calls"]) for name, row in stats.items()}
        calls.pop("info", None)
        cpu = self.client.info("cpu")
        return ServerSample(
            commands=sum(calls.values()),
            scripts=sum(calls.get(name, 0) for name in SCRIPT_COMMANDS),
            cpu_seconds=float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"]),
        )
