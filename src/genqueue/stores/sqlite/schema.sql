-- genqueue's embedded store. One file in WAL mode, shared by every process on one machine.
-- Times are Unix seconds (REAL). JSON columns hold text.

CREATE TABLE IF NOT EXISTS jobs (
    id               TEXT PRIMARY KEY,
    queue            TEXT NOT NULL,
    type             TEXT NOT NULL,
    owner            TEXT NOT NULL,
    state            TEXT NOT NULL,
    priority         INTEGER NOT NULL,
    run_at           REAL NOT NULL,
    data             TEXT NOT NULL,
    tags             TEXT NOT NULL DEFAULT '{}',
    progress         TEXT,
    partial_results  TEXT NOT NULL DEFAULT '[]',
    result           TEXT,
    failed_reason    TEXT,
    stacktrace       TEXT,
    attempts_made    INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    stalled_count    INTEGER NOT NULL DEFAULT 0,
    cost             INTEGER NOT NULL DEFAULT 0,
    charged          INTEGER NOT NULL DEFAULT 0,
    lease_token      TEXT,
    lease_expires_at REAL,
    worker_id        TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    idempotency_key  TEXT,
    request_hash     TEXT,
    created_at       REAL NOT NULL,
    started_at       REAL,
    completed_at     REAL
);

-- Claim order: highest priority (lowest number) first, FIFO within a priority.
CREATE INDEX IF NOT EXISTS jobs_pending ON jobs (queue, priority, run_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS jobs_delayed ON jobs (queue, run_at) WHERE state = 'delayed';
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (run_at) WHERE state = 'delayed';
CREATE INDEX IF NOT EXISTS jobs_active ON jobs (queue) WHERE state = 'active';
CREATE INDEX IF NOT EXISTS jobs_leases ON jobs (lease_expires_at) WHERE state = 'active';
-- Counts per queue and state, cleaning and retention by state and age.
CREATE INDEX IF NOT EXISTS jobs_queue_state ON jobs (queue, state, completed_at);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs (owner, created_at);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs (created_at);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency ON jobs (owner, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE TABLE IF NOT EXISTS job_tags (
    job_id TEXT NOT NULL,
    name   TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (name, value, job_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS job_tags_job ON job_tags (job_id);

CREATE TABLE IF NOT EXISTS queues (
    name   TEXT PRIMARY KEY,
    paused INTEGER NOT NULL DEFAULT 0
);

-- One row per job start of a rate-limited queue: a sliding log, trimmed as it is read.
CREATE TABLE IF NOT EXISTS rate_starts (
    queue TEXT NOT NULL,
    at    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_starts_queue ON rate_starts (queue, at);

-- Ids only grow: a new row takes MAX(id) + 1, and trimming always keeps the newest row,
-- so no id is ever handed out twice (AUTOINCREMENT would cost a page write per event).
CREATE TABLE IF NOT EXISTS events (
    id     INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL,
    job_id TEXT NOT NULL,
    queue  TEXT NOT NULL,
    type   TEXT NOT NULL,
    owner  TEXT NOT NULL,
    at     REAL NOT NULL,
    data   TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS accounts (
    owner   TEXT PRIMARY KEY,
    balance INTEGER NOT NULL CHECK (balance >= 0)
);

CREATE TABLE IF NOT EXISTS ledger (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    owner   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    amount  INTEGER NOT NULL,
    balance INTEGER NOT NULL,
    job_id  TEXT,
    at      REAL NOT NULL,
    note    TEXT
);
CREATE INDEX IF NOT EXISTS ledger_owner ON ledger (owner, id);

CREATE TABLE IF NOT EXISTS workers (
    id           TEXT PRIMARY KEY,
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    queues       TEXT NOT NULL,
    concurrency  INTEGER NOT NULL,
    running      INTEGER NOT NULL,
    started_at   REAL NOT NULL,
    heartbeat_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS minute_stats (
    queue        TEXT NOT NULL,
    type         TEXT NOT NULL,
    minute       INTEGER NOT NULL,
    completed    INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    duration_sum REAL NOT NULL DEFAULT 0,
    duration_max REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, type, minute)
) WITHOUT ROWID;

-- How many jobs of a queue waited, ran and were delayed at the start of each minute: one
-- row per queue and minute, written by the workers' maintenance loop (the first one wins).
CREATE TABLE IF NOT EXISTS queue_depth (
    queue   TEXT NOT NULL,
    minute  INTEGER NOT NULL,
    waiting INTEGER NOT NULL,
    active  INTEGER NOT NULL,
    delayed INTEGER NOT NULL,
    PRIMARY KEY (minute, queue)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS durations (
    queue    TEXT NOT NULL,
    type     TEXT NOT NULL,
    at       REAL NOT NULL,
    duration REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS durations_type ON durations (queue, type, at);
CREATE INDEX IF NOT EXISTS durations_queue ON durations (queue, at);

-- Per-key hit counts of the current fixed window (API rate limits shared by all processes).
CREATE TABLE IF NOT EXISTS throttles (
    key    TEXT PRIMARY KEY,
    slot   INTEGER NOT NULL,
    hits   INTEGER NOT NULL
) WITHOUT ROWID;

-- Domain records (characters, media, stories): a JSON object per (kind, id), kept until
-- deleted (retention never touches them). Listings are newest first, by created_at then id.
CREATE TABLE IF NOT EXISTS records (
    kind       TEXT NOT NULL,
    id         TEXT NOT NULL,
    owner      TEXT NOT NULL,
    data       TEXT NOT NULL,
    idx        TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS records_newest ON records (kind, created_at, id);
CREATE INDEX IF NOT EXISTS records_owner ON records (kind, owner, created_at, id);

-- One row per indexed field of a record, in listing order within (kind, name, value), so a
-- listing by a field walks its entries newest first without a sort. created_at is copied
-- from the record (it never changes once set).
CREATE TABLE IF NOT EXISTS record_index (
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    value      TEXT NOT NULL,
    created_at REAL NOT NULL,
    id         TEXT NOT NULL,
    PRIMARY KEY (kind, name, value, created_at, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS record_index_record ON record_index (kind, id, name);
