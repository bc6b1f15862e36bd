"""A Server-Sent Events parser fed one line at a time (no I/O, so any transport can use it).

It follows the WHATWG rules the server relies on: `id:`, `event:` and `data:` fields, a
blank line ends an event, lines starting with `:` are comments (the heartbeats).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SseMessage:
    id: str | None
    event: str
    data: str


@dataclass(slots=True)
class SseParser:
    last_event_id: str | None = None
    _event: str = ""
    _data: list[str] = field(default_factory=list)

    def feed(self, line: str) -> SseMessage | None:
        """The message the line completes, if it is the blank line that ends one."""
        line = line.rstrip("\r\n")
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self.last_event_id = value
        return None

    def _dispatch(self) -> SseMessage | None:
        if not self._data:
            self._event = ""
            return None
        message = SseMessage(self.last_event_id, self._event or "message", "\n".join(self._data))
        self._event = ""
        self._data = []
        return message
