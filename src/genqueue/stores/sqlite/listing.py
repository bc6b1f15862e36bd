"""The one dynamic query: job listing with optional filters."""

from __future__ import annotations

from typing import Any

from genqueue.engine.job import JobState
from genqueue.engine.store import MIN_ID_PREFIX, ListQuery

_TEXT_CLAUSE = (
    "(id = :text OR (length(:text) >= :min_prefix AND substr(id, 1, length(:text)) = :text)"
    " OR owner = :text OR type = :text"
    " OR id IN (SELECT job_id FROM job_tags WHERE value = :text))"
)
"""A search word: an id (whole or a prefix), an owner, a type or a tag value, exactly."""

_STATE_CLAUSES = {
    JobState.PENDING: "(state = 'pending' OR (state = 'delayed' AND run_at <= :now))",
    JobState.DELAYED: "(state = 'delayed' AND run_at > :now)",
}


def list_jobs_sql(query: ListQuery, now: float) -> tuple[str, dict[str, Any]]:
    """A WHERE clause and its parameters; every value is bound, never formatted in."""
    clauses = ["1 = 1"]
    params: dict[str, Any] = {"now": now}
    if query.owner is not None:
        clauses.append("owner = :owner")
        params["owner"] = query.owner
    if query.queue is not None:
        clauses.append("queue = :queue")
        params["queue"] = query.queue
    if query.types:
        names = [f":type{i}" for i in range(len(query.types))]
        clauses.append(f"type IN ({', '.join(names)})")
        params.update({n[1:]: t for n, t in zip(names, query.types, strict=True)})
    if query.states:
        parts = []
        for i, state in enumerate(dict.fromkeys(query.states)):
            if state in _STATE_CLAUSES:
                parts.append(_STATE_CLAUSES[state])
            else:
                parts.append(f"state = :state{i}")
                params[f"state{i}"] = state.value
        clauses.append(f"({' OR '.join(parts)})")
    for i, (name, value) in enumerate(sorted(query.tags.items())):
        clauses.append(
            f"id IN (SELECT job_id FROM job_tags WHERE name = :tag{i} AND value = :tagv{i})"
        )
        params[f"tag{i}"] = name
        params[f"tagv{i}"] = value
    if query.text is not None:
        clauses.append(_TEXT_CLAUSE)
        params.update(text=query.text, min_prefix=MIN_ID_PREFIX)
    return " AND ".join(clauses), params
