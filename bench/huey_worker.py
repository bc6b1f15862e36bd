"""Run one huey consumer process on a benchmark file; write its stamps as JSON on exit.

    python -m bench.huey_worker DB STAMPS_JSON [--delay S --max-delay S] [--normal-sync]

One worker thread (huey's default). SIGINT stops it gracefully, as with `huey_consumer`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from huey.consumer import Consumer  # type: ignore[import-untyped]

from bench.huey_app import STAMPS, open_huey


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db")
    parser.add_argument("stamps", type=Path)
    parser.add_argument("--delay", type=float, help="initial poll interval (huey: 0.1 s)")
    parser.add_argument("--max-delay", type=float, help="longest poll interval (huey: 10 s)")
    parser.add_argument("--normal-sync", action="store_true", help="synchronous=NORMAL")
    args = parser.parse_args()
    polling = {"initial_delay": args.delay, "max_delay": args.max_delay}
    huey, _ = open_huey(args.db, normal_sync=args.normal_sync)
    Consumer(huey, workers=1, **{k: v for k, v in polling.items() if v is not None}).run()
    args.stamps.write_text(json.dumps(STAMPS))


if __name__ == "__main__":
    main()
