"""Redis for tests: a reachable server, and a fresh key prefix per test that is wiped after.

`redis_url` (session) is 127.0.0.1:6379 when it answers, else a `redis-server` this session
starts on a free loopback port (no persistence) and stops at the end. With neither, tests
that need Redis are skipped with a loud reason, or fail when CI=true: CI must run them.
`redis_prefix` gives each test its own `gqtest-<uuid>` prefix and deletes the keys under it
with SCAN + UNLINK afterwards (never FLUSHDB: other work may share the server).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from genqueue.stores.redis.keys import Keys

DEFAULT_URL = "redis://127.0.0.1:6379/0"
START_SECONDS = 10.0


def unavailable(reason: str) -> None:
    """Skip loudly, or fail under CI where every test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"Redis is required under CI=true: {reason}")
    pytest.skip(f"REDIS TESTS SKIPPED: {reason}")


def answers(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1.0) as client:
            return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    work_dir: Path, *extra: str, port: int | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """A `redis-server` on a loopback port (a free one unless given), without persistence
    unless `extra` asks for it (`"--appendonly", "yes"`)."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("nothing answers on 127.0.0.1:6379 and redis-server is not installed")
    port = port or free_port()
    work_dir.mkdir(parents=True, exist_ok=True)
    command = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(work_dir), *extra]
    log = work_dir / f"redis-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_SECONDS
    while not answers(f"redis://127.0.0.1:{port}/0"):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(process)
            unavailable(f"redis-server on port {port} did not start (see {log})")
        time.sleep(0.02)
    return process, port


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if answers(DEFAULT_URL):
        yield DEFAULT_URL
        return
    process, port = start_server(tmp_path_factory.mktemp("redis"))
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_server(process)


def delete_prefix(url: str, prefix: str) -> int:
    """UNLINK every key of a store prefix; returns how many there were."""
    pattern = Keys.for_prefix(prefix).pattern
    deleted = 0
    with redis.Redis.from_url(url) as client:
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 500:
                deleted += int(client.unlink(*batch))
                batch = []
        if batch:
            deleted += int(client.unlink(*batch))
    return deleted


def new_prefix() -> str:
    return f"gqtest-{uuid.uuid4().hex}"


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    prefix = new_prefix()
    try:
        yield prefix
    finally:
        delete_prefix(redis_url, prefix)


def store_url(base: str, prefix: str) -> str:
    """A whole store URL for subprocesses: the base URL with `?prefix=`."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}prefix={prefix}"
