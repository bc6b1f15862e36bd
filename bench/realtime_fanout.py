"""SSE and Socket.IO fan-out: N concurrent subscribers on ONE server process while 100
jobs report progress from another process, genqueue beside a bare SSE app and bare
python-socketio in the same run.

Run with `make bench-realtime` (or `.venv/bin/python bench/realtime_fanout.py --quick`).
Per trial (bench/realtime/trial.py): a fresh server; its subscribers spread over several
client processes (bench/realtime/clients.py, bare asyncio protocols), each subscribed to
one of the jobs (N/100 per job); then the progress source starts (genqueue's worker with
concurrency 100 on a fresh SQLite file, or bench/realtime/feeder.py into the bare
servers' feed socket). Figures: delivery latency p50/p99 (receipt − the event's `at`),
deliveries per server CPU-second (the server's utime + stime over the window from the
source's start to the last final event), peak server RSS, and subscribers that never got
their job's final event. The machine has 2 cores shared by the server, the clients and
the source, so CPU per delivery is the figure to compare; deliveries/s and latency also
show the sharing. Each figure is the median of `--repeats` trials, the systems taking
turns. Writes bench/results/realtime_fanout.json. `--profile DIR` records py-spy of each
trial's server over the source's run (`bench/api_profile.py FILE` summarises one); under a
loaded machine py-spy also counts time the server waited for a core, so read such
profiles for where the work is, not for how much.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/x.py` puts bench/, not the checkout, on the path

from bench.realtime.trial import SYSTEMS, Load, System, run_trial  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "realtime_fanout.json"
COLUMNS = [
    ("p50_ms", "p50 ms"),
    ("p99_ms", "p99 ms"),
    ("deliveries_per_second", "deliv/s"),
    ("deliveries_per_cpu_second", "deliv/CPU-s"),
    ("rss_mib", "RSS MiB"),
    ("lost_finals", "lost finals"),
    ("connect_failed", "conn fail"),
]


def median(trials: list[dict[str, Any]], key: str) -> float | None:
    values = [t[key] for t in trials if t.get(key) is not None]
    return statistics.median(values) if values else None


def table(results: dict[str, dict[int, list[dict[str, Any]]]], systems: list[System]) -> str:
    head = f"{'system':<24}{'N':>6}" + "".join(f"{label:>13}" for _, label in COLUMNS)
    lines = [head, "-" * len(head)]
    for n in sorted({n for per in results.values() for n in per}):
        for system in systems:
            trials = results.get(system.key, {}).get(n)
            if not trials:
                continue
            cells = "".join(f"{_fmt(median(trials, key)):>13}" for key, _ in COLUMNS)
            lines.append(f"{system.name:<24}{n:>6}{cells}")
        lines.append(_ratios(results, n))
    return "\n".join(lines)


def _ratios(results: dict[str, dict[int, list[dict[str, Any]]]], n: int) -> str:
    def per_core(key: str) -> float | None:
        trials = results.get(key, {}).get(n)
        return median(trials, "deliveries_per_cpu_second") if trials else None

    parts = []
    for ours, peers in (
        ("genqueue_sse", ("bare_sse", "bare_sio")),
        ("genqueue_sio", ("bare_sse", "bare_sio")),
    ):
        mine = per_core(ours)
        for peer in peers:
            theirs = per_core(peer)
            if mine and theirs:
                parts.append(f"{ours}/{peer} {mine / theirs:.2f}")
    return f"  deliveries per CPU-s ratio at N={n}: " + (", ".join(parts) or "n/a")


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--step-seconds", type=float, default=0.1)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--only", nargs="+", choices=[s.key for s in SYSTEMS])
    parser.add_argument("--quick", action="store_true", help="200 subscribers, 1 trial")
    parser.add_argument(
        "--profile",
        type=Path,
        help="record py-spy of each trial's server into this folder (summarise with "
        "bench/api_profile.py); its CPU figures then include py-spy's cost",
    )
    args = parser.parse_args()
    if args.quick:
        args.subscribers, args.repeats, args.steps = [200], 1, 10
    systems = [s for s in SYSTEMS if not args.only or s.key in args.only]
    results: dict[str, dict[int, list[dict[str, Any]]]] = {}
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    for n in args.subscribers:
        load = Load(n, args.jobs, args.steps, args.step_seconds, args.client_processes)
        for trial in range(args.repeats):
            shift = trial % len(systems)
            for system in [*systems[shift:], *systems[:shift]]:
                print(f"{system.name} N={n} trial {trial + 1}", file=sys.stderr, flush=True)
                profile = None
                if args.profile is not None:
                    profile = args.profile / f"{system.key}-{n}-{trial + 1}.txt"
                try:
                    figures = run_trial(system, load, profile)
                except Exception as exc:  # a system that cannot run is reported, not fatal
                    print(f"  failed: {exc}", file=sys.stderr, flush=True)
                    continue
                print(f"  {figures}", file=sys.stderr, flush=True)
                results.setdefault(system.key, {}).setdefault(n, []).append(figures)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    RESULTS.write_text(json.dumps({"args": settings, "results": results}, indent=2))
    print(table(results, systems))


if __name__ == "__main__":
    main()
