"""The Lua scripts: read once from the package, called by SHA, reloaded on NOSCRIPT.

Each script in `lua/` is `_lib.lua` followed by the script's own file. A server that lost
its scripts (SCRIPT FLUSH, a restart, a failover to a replica that never saw them) answers
NOSCRIPT, and the call loads the script and runs it again.
"""

from __future__ import annotations

import functools
import hashlib
from enum import IntEnum
from importlib import resources
from typing import Any

from redis.exceptions import NoScriptError

NAMES = (
    "cancel",
    "claim",
    "clean",
    "complete",
    "confirm_cancel",
    "delete",
    "delete_record",
    "empty",
    "enqueue",
    "extend",
    "fail",
    "grant",
    "list",
    "list_records",
    "partial",
    "pause",
    "progress",
    "promote",
    "put_record",
    "record_depth",
    "recover",
    "release",
    "requeue",
    "throttle",
    "trim_finished",
)


class Code(IntEnum):
    """What a transition script answers first; mirrors the constants at the end of _lib.lua."""

    OK = 0
    DUPLICATE = 1
    IDEMPOTENCY_CONFLICT = 2
    INSUFFICIENT_CREDITS = 3
    NOT_FOUND = 4
    INVALID_STATE = 5
    LEASE_LOST = 6


@functools.cache
def _read(name: str) -> str:
    return (resources.files("genqueue.stores.redis") / "lua" / f"{name}.lua").read_text()


class Scripts:
    """Every script's source and SHA; `run` calls one by name on a client."""

    def __init__(self) -> None:
        lib = _read("_lib")
        self.source = {name: f"{lib}\n{_read(name)}" for name in NAMES}
        self.sha = {
            name: hashlib.sha1(text.encode()).hexdigest() for name, text in self.source.items()
        }

    async def load_all(self, client: Any) -> None:
        for text in self.source.values():
            await client.script_load(text)

    async def run(self, client: Any, name: str, key: str, args: list[Any]) -> Any:
        try:
            return await client.evalsha(self.sha[name], 1, key, *args)
        except NoScriptError:
            await client.script_load(self.source[name])
            return await client.evalsha(self.sha[name], 1, key, *args)
