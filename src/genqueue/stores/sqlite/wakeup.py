"""Cross-process wake-ups for the idle workers of one database file.

Each waiting worker binds a Unix datagram socket in a directory named after the file;
a process that commits new work sends one byte to every socket there. The workers wake
at once instead of at their next `PRAGMA data_version` poll, which stays as the fallback
(and is all there is where Unix sockets are not available).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("genqueue.sqlite")
PEERS_REFRESH_SECONDS = 1.0


class WakeChannel:
    def __init__(self, db_path: str) -> None:
        key = hashlib.sha256(os.path.realpath(db_path).encode()).hexdigest()[:16]
        self.directory = Path(tempfile.gettempdir()) / f"genqueue-wake-{key}"
        self._listener: socket.socket | None = None
        self._address: str | None = None
        self._sender: socket.socket | None = None
        self._peers: list[str] = []
        self._peers_read_at = float("-inf")
        self._unavailable = False

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def listen(self, on_wake: Callable[[], None]) -> bool:
        """Start receiving wake-ups on the running loop; False where sockets cannot be had."""
        if self._listener is not None:
            return True
        if self._unavailable:
            return False
        address = str(self.directory / f"{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            self.directory.mkdir(mode=0o700, exist_ok=True)
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            listener.setblocking(False)
            listener.bind(address)
        except (OSError, AttributeError) as exc:
            log.info("no wake-up socket, polling only: %s", exc)
            self._unavailable = True
            return False
        asyncio.get_running_loop().add_reader(listener.fileno(), self._receive, on_wake)
        self._listener, self._address = listener, address
        return True

    def _receive(self, on_wake: Callable[[], None]) -> None:
        assert self._listener is not None
        with contextlib.suppress(BlockingIOError):
            while self._listener.recv(16):
                pass
        on_wake()

    def notify(self) -> None:
        """Wake every worker waiting on this file (best effort: polling covers a miss)."""
        for peer in self._peer_addresses():
            try:
                self._socket().sendto(b"!", peer)
            except (FileNotFoundError, ConnectionRefusedError):
                with contextlib.suppress(OSError):
                    os.unlink(peer)  # its worker is gone
                self._peers_read_at = float("-inf")
            except OSError:
                pass  # a full buffer means that worker has a wake-up waiting already

    def _peer_addresses(self) -> list[str]:
        if time.monotonic() - self._peers_read_at > PEERS_REFRESH_SECONDS:
            try:
                names = os.listdir(self.directory)
            except OSError:
                names = []
            self._peers = [
                str(self.directory / name)
                for name in names
                if str(self.directory / name) != self._address
            ]
            self._peers_read_at = time.monotonic()
        return self._peers

    def _socket(self) -> socket.socket:
        if self._sender is None:
            self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._sender.setblocking(False)
        return self._sender

    def close(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().remove_reader(self._listener.fileno())
            self._listener.close()
            self._listener = None
        if self._address is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._address)
                self.directory.rmdir()  # only when no other worker's socket is left
            self._address = None
        if self._sender is not None:
            self._sender.close()
            self._sender = None
