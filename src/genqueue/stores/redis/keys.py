"""The Redis store's key layout, in one place.

Every key starts with the prefix wrapped in a hash tag, `{genqueue}:` by default
(`GENQUEUE_REDIS_PREFIX`), so on Redis Cluster every key of one store lives in one slot.
That is what lets each transition (an enqueue with its credit charge, idempotency key and
owner and tag indexes; a claim across queues; a batch of completions) be one atomic Lua
script. The price: one store is served by one primary (and its replicas for failover), so
it scales up, not out. Use several prefixes to spread independent stores over a cluster.

`{p}` below is that tagged prefix; `<q>` a queue name.

key                                     type    holds
{p}:job:<id>                            hash    one job: the fields of `Job` (data, tags,
                                                progress, result, partial results as JSON),
                                                lease_token, lease_expires_at, seq (creation
                                                order) and order (place in its queue)
{p}:seq                                 string  the counter for seq and order
{p}:queues                              hash    every queue that has had a job → 1 paused, 0 not
{p}:ready                               hash    queues that may have pending or delayed jobs
                                                (claims skip the others)
{p}:q:<q>:pending                       zset    pending jobs by (priority - 1) · 2³² + order
{p}:q:<q>:waiting                       zset    the same jobs by run_at (the oldest waiting)
{p}:q:<q>:delayed                       zset    delayed jobs by run_at; claims promote due ones
{p}:q:<q>:active                        zset    running jobs by lease expiry: the cap's count
                                                and stall recovery's scan
{p}:q:<q>:completed|failed|cancelled    zset    finished jobs by finish time: counts, clean,
                                                retention
{p}:q:<q>:all                           zset    every job of the queue by seq (listing)
{p}:q:<q>:rate                          zset    the rate limit's sliding log of starts
{p}:q:<q>:freed                         string  when a job last left `active` (no claim under
                                                the cap is stamped before it)
{p}:q:<q>:wake                          list    one token while the queue has claimable work;
                                                idle workers BLPOP it
{p}:q:<q>:durations[=<type>]            list    the last 50 run times, newest first
{p}:q:<q>:depth                         zset    depth samples by minute, one per minute
                                                as "<minute>:<waiting>:<active>:<delayed>"
                                                (8 days kept; workers write them)
{p}:all                                 zset    every job by seq (listing without filters)
{p}:owner:<owner>                       zset    an owner's jobs by seq
{p}:tag:<len>:<name>=<value>            zset    the jobs carrying a tag, by seq
{p}:idempotency                         hash    <len>:<owner>:<key> → job id (gone with the job)
{p}:credits                             hash    owner → balance
{p}:ledger, {p}:ledger:owner:<owner>    list    ledger entries as JSON, newest first
{p}:ledger:seq                          string  the counter for ledger entry ids
{p}:stats:minutes                       zset    the minutes that have statistics
{p}:stats:<minute>                      hash    c|f|s|m <tab> queue <tab> type → completed,
                                                failed, duration sum and max (8 days' TTL)
{p}:workers                             hash    worker id → WorkerInfo as JSON
{p}:events                              stream  the event feed: entry 0-<n> is event <n>,
                                                capped with MAXLEN ~
{p}:throttle:<key>:<window>             string  throttle() hits in one fixed window (TTL)

Domain records (characters, media, stories) live until deleted: retention never touches
them. `<k>` is a kind as `<bytes>:<kind>` (its UTF-8 length first, so a kind holding ':'
cannot pass for another), `<n>` an index field name the same way. Every set is scored by
the record's created_at; equal scores list by id, and ZREVRANGE reads both newest first.

{p}:rec:<k>:<id>                        hash    one record: kind, id, owner, data (JSON),
                                                created_at, updated_at, and each index
                                                field as i:<name> → value
{p}:recs:<k>                            zset    every record of the kind
{p}:recs:<k>:owner:<owner>              zset    an owner's records of the kind
{p}:recs:<k>:where:<n>=<value>          zset    the kind's records whose index field has
                                                that value (of every owner)
"""

from __future__ import annotations

from dataclasses import dataclass


def tagged(prefix: str) -> str:
    """`genqueue` → `{genqueue}:`: the hash tag puts every key of the store in one slot."""
    if not prefix or any(c in prefix for c in "{}"):
        raise ValueError(f"a Redis key prefix is a plain name without braces, not {prefix!r}")
    return "{" + prefix + "}:"


@dataclass(frozen=True, slots=True)
class Keys:
    base: str
    """The tagged prefix, `{genqueue}:`."""

    @classmethod
    def for_prefix(cls, prefix: str) -> Keys:
        return cls(tagged(prefix))

    def job(self, job_id: str) -> str:
        return f"{self.base}job:{job_id}"

    def queue(self, queue: str, part: str) -> str:
        return f"{self.base}q:{queue}:{part}"

    def owner(self, owner: str) -> str:
        return f"{self.base}owner:{owner}"

    def record(self, kind: str, record_id: str) -> str:
        """As `record_key` in _lib.lua, which builds the record's other keys."""
        return f"{self.base}rec:{len(kind.encode())}:{kind}:{record_id}"

    def records(self, kind: str) -> str:
        return f"{self.base}recs:{len(kind.encode())}:{kind}"

    def ledger(self, owner: str | None) -> str:
        return f"{self.base}ledger" if owner is None else f"{self.base}ledger:owner:{owner}"

    def stats(self, minute: int) -> str:
        return f"{self.base}stats:{minute}"

    def throttle(self, key: str, window: int) -> str:
        return f"{self.base}throttle:{key}:{window}"

    @property
    def seq(self) -> str:
        return f"{self.base}seq"

    @property
    def queues(self) -> str:
        return f"{self.base}queues"

    @property
    def all(self) -> str:
        return f"{self.base}all"

    @property
    def credits(self) -> str:
        return f"{self.base}credits"

    @property
    def minutes(self) -> str:
        return f"{self.base}stats:minutes"

    @property
    def workers(self) -> str:
        return f"{self.base}workers"

    @property
    def events(self) -> str:
        return f"{self.base}events"

    @property
    def pattern(self) -> str:
        """Matches every key of the store (for SCAN)."""
        special = "*?[]\\"
        return "".join("\\" + c if c in special else c for c in self.base) + "*"
