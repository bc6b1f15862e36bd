"""Server processes for `api_load.py`: start one on a free loopback port, wait until it is
ready, read its CPU time, stop it by its own process group; and the per-run stores (a fresh
SQLite file, a fresh Redis key prefix whose keys are deleted afterwards)."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
POLL_SECONDS = 0.05
REDIS_URL = "redis://127.0.0.1:6379/0"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Unavailable(RuntimeError):
    """The system cannot be measured in this run (its server did not come up); the reason is
    the message, shown in the table instead of figures."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class ServerSpec:
    argv: Sequence[str]
    env: Mapping[str, str]
    ready_path: str
    cwd: Path


@dataclass
class Server:
    spec: ServerSpec
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] = field(init=False)

    def start(self) -> None:
        argv = [*self.spec.argv, "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                argv,
                env={**os.environ, **self.spec.env},
                cwd=self.spec.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Unavailable(f"exited {self.process.returncode}: {self.log_tail()}")
            if self._answers_ready():
                return
            time.sleep(POLL_SECONDS)
        raise Unavailable(f"{self.spec.ready_path} not 200 within {READY_TIMEOUT:.0f} s")

    def _answers_ready(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", self.spec.ready_path)
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (its threads included)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log_tail(self, lines: int = 3) -> str:
        text = self.log_path.read_text(errors="replace").strip().splitlines()
        return " | ".join(text[-lines:]) or "(no output)"


@contextlib.contextmanager
def running(spec: ServerSpec, log_path: Path) -> Iterator[Server]:
    server = Server(spec, free_port(), log_path)
    server.start()
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def redis_prefix() -> str:
    return f"bench-api-{uuid.uuid4().hex[:12]}"


def delete_redis_keys(prefix: str) -> int:
    """Delete every key under `prefix` on 127.0.0.1:6379 (never a flush), with redis-cli;
    how many keys were deleted."""
    if shutil.which("redis-cli") is None:
        return 0
    scan = subprocess.run(
        ["redis-cli", "-n", "0", "--scan", "--pattern", f"{prefix}*"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    keys = scan.stdout.split()
    for start in range(0, len(keys), 1000):
        subprocess.run(
            ["redis-cli", "-n", "0", "unlink", *keys[start : start + 1000]],
            capture_output=True,
            check=False,
            timeout=60,
        )
    return len(keys)


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
