"""The table, its notes, and the JSON document of a `make bench-peers` run."""

from __future__ import annotations

import json
import os
import platform
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.peers.phases import KEYS, Cell, Plan, Trial
from bench.peers.systems import System

COLUMNS = (
    ("system", None, ""),
    ("enqueue/s", "enqueue_jobs_per_s", ",.0f"),
    ("bulk enq/s", "bulk_enqueue_jobs_per_s", ",.0f"),
    ("e2e 1 proc/s", "e2e_1_proc_jobs_per_s", ",.0f"),
    ("e2e 2 procs/s", "e2e_2_procs_jobs_per_s", ",.0f"),
    ("p50 ms", "latency_p50_ms", ".1f"),
    ("p99 ms", "latency_p99_ms", ".1f"),
    ("cmds/job enq", "enqueue_cmds_per_job", ".1f"),
    ("cmds/job run", "run_cmds_per_job", ".1f"),
    ("worker CPU-s/1k", "worker_cpu_s_per_1k", ".3f"),
    ("redis CPU-s/1k", "redis_cpu_s_per_1k", ".3f"),
    ("genqueue ×", "ratio", ".2f"),
)


@dataclass
class Row:
    system: System
    trials: list[Trial]
    missing: str | None = None

    def median(self, key: str) -> Cell:
        values = [t.figures[key] for t in self.trials]
        numbers = [v for v in values if isinstance(v, float)]
        if numbers:
            return statistics.median(numbers)
        return values[0] if values else ("n/a" if self.missing else "-")

    def errors(self) -> list[str]:
        if self.missing:
            return [f"not run: {self.missing}"]
        return list(dict.fromkeys(_gist(e) for t in self.trials for e in t.errors))


def _gist(error: str) -> str:
    """The line of a traceback or log tail that says what went wrong."""
    lines = [line.strip() for line in error.splitlines() if line.strip()]
    named = [line for line in lines if "Error" in line or "error" in line]
    return (named or lines or ["(no output)"])[-1][:300]


def e2e(row: Row) -> float | None:
    value = row.median("e2e_1_proc_jobs_per_s")
    return value if isinstance(value, float) else None


def ratio(genqueue: Row, peer: Row) -> Cell:
    """genqueue's e2e jobs/s with one worker process over the peer's."""
    ours, theirs = e2e(genqueue), e2e(peer)
    return ours / theirs if ours and theirs else "-"


def fastest_python_ratio(rows: Sequence[Row]) -> float | None:
    genqueue, peers = rows[0], [r for r in rows[1:] if r.system.python and e2e(r)]
    ours = e2e(genqueue)
    if ours is None or not peers:
        return None
    return ours / max(e2e(r) or 0.0 for r in peers)


def _cell(value: Cell, spec: str) -> str:
    return format(value, spec) if isinstance(value, float) else value


def table(rows: Sequence[Row]) -> str:
    """Names left-aligned, figures right-aligned, two spaces apart; then the notes."""
    lines = [[title for title, _, _ in COLUMNS]]
    for row in rows:
        cells = [row.system.name]
        for _, key, spec in COLUMNS[1:]:
            value = ratio(rows[0], row) if key == "ratio" else row.median(str(key))
            cells.append(_cell(value, spec))
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    text = []
    for line in lines:
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        text.append("  ".join(padded).rstrip())
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)


def notes(rows: Sequence[Row]) -> str:
    lines = ["settings:"]
    for row in rows:
        lines.append(f"  {row.system.name}: {row.system.settings}")
        lines.extend(f"      ! {error}" for error in row.errors())
    return "\n".join(lines)


def document(
    plan: Plan, repeats: int, rows: Sequence[Row], versions: dict[str, str]
) -> dict[str, Any]:
    return {
        "jobs": plan.jobs,
        "repeats": repeats,
        "timeout_s": plan.timeout,
        "latency_stream": {
            "jobs": plan.latency_jobs,
            "per_s": plan.latency_rate,
            "idle_s": plan.idle_seconds,
        },
        "redis": plan.redis_url,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), **versions},
        "results": [
            {
                "system": row.system.name,
                "settings": row.system.settings,
                "python_peer": row.system.python,
                **{key: row.median(key) for key in KEYS},
                "genqueue_ratio": ratio(rows[0], row),
                "errors": row.errors(),
                "trials": [t.figures for t in row.trials],
            }
            for row in rows
        ],
        "ratio_to_fastest_python_peer": fastest_python_ratio(rows),
    }


def write_json(path: Path, content: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n")
