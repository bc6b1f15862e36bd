"""Live job events for clients (SSE now, Socket.IO later), fed by one tail of the store's feed."""

from __future__ import annotations

from genqueue.realtime.hub import EventHub, Subscription

__all__ = ["EventHub", "Subscription"]
