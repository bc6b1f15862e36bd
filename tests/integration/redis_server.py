"""A `redis-server` process that one test owns: its loopback port, its data directory, its
persistence settings.

The restart tests stop it in the middle of a run (SHUTDOWN, SIGTERM or SIGKILL) and start
it again on the same port and directory, so what comes back is exactly what Redis
persisted. It is controlled with `redis-cli`, which ships with `redis-server`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.redis_support import free_port

PERSISTENCE: dict[str, tuple[str, ...]] = {
    "aof-everysec": ("--appendonly", "yes", "--appendfsync", "everysec", "--save", ""),
    "aof-always": ("--appendonly", "yes", "--appendfsync", "always", "--save", ""),
    "rdb": ("--appendonly", "no", "--save", ""),
    "none": ("--appendonly", "no", "--save", ""),
}
"""`redis-server` options per persistence mode. `rdb` takes no automatic snapshots: the
test takes one with SAVE at the moment it chooses, so it knows what the snapshot holds."""


def require_redis_server() -> str:
    """The `redis-server` binary; skipped loudly where it is missing, a failure under CI."""
    binary = shutil.which("redis-server")
    if binary is None or shutil.which("redis-cli") is None:
        message = "REDIS RESTART TESTS NOT RUN: redis-server / redis-cli not on PATH"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return binary


class RedisServer:
    def __init__(self, directory: Path, persistence: str) -> None:
        self.binary = require_redis_server()
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.options = PERSISTENCE[persistence]
        self.port = free_port()
        self.popen: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log(self) -> str:
        path = self.directory / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> None:
        """Start on the same port and directory as before (the first time: fresh ones)."""
        assert not self.alive, "the server is already running"
        self.starts += 1
        command = [
            self.binary,
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)),
            *("--logfile", "redis.log", "--daemonize", "no"),
            *self.options,
        ]
        self.popen = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )

    async def ready(self, within: float = 10.0) -> None:
        """Wait until the server answers PING (not LOADING: it has read its files back)."""
        deadline = time.monotonic() + within
        while self.cli("PING") != "PONG":
            if not self.alive or time.monotonic() > deadline:
                raise AssertionError(f"redis-server did not come up:\n{self.log()[-2000:]}")
            await asyncio.sleep(0.02)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), *args],
            capture_output=True,
            timeout=10,
            check=False,
        )
        return done.stdout.decode(errors="replace").strip()

    def info(self, section: str) -> dict[str, str]:
        lines = (line.partition(":") for line in self.cli("INFO", section).splitlines())
        return {key: value for key, sep, value in lines if sep}

    def stop(self, how: str) -> None:
        """Stop the server: `shutdown` (the command), `sigterm` or `sigkill`; wait for it."""
        assert self.popen is not None
        assert self.alive
        if how == "shutdown":
            self.cli("SHUTDOWN")
        elif how == "sigterm":
            self.popen.send_signal(signal.SIGTERM)
        elif how == "sigkill":
            self.popen.send_signal(signal.SIGKILL)
        else:
            raise ValueError(f"unknown way to stop redis-server: {how!r}")
        self.popen.wait(timeout=10)

    def close(self) -> None:
        if self.popen is not None:
            if self.alive:
                self.popen.kill()
            self.popen.wait(timeout=10)
