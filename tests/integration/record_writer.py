"""A process that races others putting the same records: `python -m tests.integration.record_writer
URL N`. It says `ready`, waits for a line on stdin (the start signal), puts, and says
`done <started> <finished>` (Unix seconds) so the test can see that the writers overlapped."""

from __future__ import annotations

import asyncio
import sys
import time

from genqueue.engine.records import Record
from genqueue.stores import open_store

SHARED = 30
ROUNDS = 10
OWN = 100
SLOTS = 5


def shared(n: int, step: int, k: int) -> Record:
    turn = n + step + k
    index = {"slot": f"s{turn % SLOTS}", "group": "shared"}
    return Record("media", f"shared-{k:02d}", f"owner{turn % 2}", {"by": n, "step": step}, index)


def own(n: int, k: int) -> Record:
    index = {"slot": f"s{k % SLOTS}", "group": "own"}
    return Record("media", f"p{n}-{k:03d}", "owner0", {"by": n}, index)


async def main(url: str, n: int) -> None:
    store = open_store(url)
    await store.setup()
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    started = time.time()
    for step in range(ROUNDS):
        for k in range(SHARED):
            await store.put_record(shared(n, step, k), 1000.0 + step)
        for k in range(step * OWN // ROUNDS, (step + 1) * OWN // ROUNDS):
            await store.put_record(own(n, k), 2000.0 + k)
    finished = time.time()
    await store.close()
    print(f"done {started!r} {finished!r}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
