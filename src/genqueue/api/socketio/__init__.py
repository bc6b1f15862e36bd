"""Seed 004's Socket.IO protocol at `/socket.io/` (namespace `/`), on the API's own app and
port, fed by the process's one event hub."""

from __future__ import annotations

from genqueue.api.socketio.server import SocketMount, SocketServer

__all__ = ["SocketMount", "SocketServer"]
