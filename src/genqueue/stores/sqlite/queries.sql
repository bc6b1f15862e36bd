-- Named queries of the SQLite store, loaded once by name. Each transition is a
-- compare-and-set: its WHERE names the state (and lease token) it expects, and the
-- store turns "no row matched" into a typed error.

-- name: get_job
SELECT * FROM jobs WHERE id = :id;

-- name: find_idempotent
SELECT * FROM jobs WHERE owner = :owner AND idempotency_key = :key;

-- name: insert_job
INSERT INTO jobs (id, queue, type, owner, state, priority, run_at, data, tags, max_attempts,
                  cost, charged, idempotency_key, request_hash, created_at)
VALUES (:id, :queue, :type, :owner, :state, :priority, :run_at, :data, :tags, :max_attempts,
        :cost, :cost, :idempotency_key, :request_hash, :created_at);

-- name: insert_tag
INSERT OR IGNORE INTO job_tags (job_id, name, value) VALUES (:job_id, :name, :value);

-- name: insert_event
INSERT INTO events (kind, job_id, queue, type, owner, at, data)
VALUES (:kind, :job_id, :queue, :type, :owner, :at, :data);

-- name: queue_has_work
SELECT NOT EXISTS (SELECT 1 FROM queues WHERE name = :queue AND paused = 1)
   AND (EXISTS (SELECT 1 FROM jobs WHERE queue = :queue AND state = 'pending')
        OR EXISTS (SELECT 1 FROM jobs WHERE queue = :queue AND state = 'delayed'
                   AND run_at <= :now));

-- name: promote_due
UPDATE jobs SET state = 'pending' WHERE queue = :queue AND state = 'delayed' AND run_at <= :now;

-- name: count_active
SELECT COUNT(*) FROM jobs WHERE queue = :queue AND state = 'active';

-- name: trim_rate_starts
DELETE FROM rate_starts WHERE queue = :queue AND at <= :since;

-- name: count_rate_starts
SELECT COUNT(*) FROM rate_starts WHERE queue = :queue;

-- name: oldest_rate_start
SELECT MIN(at) FROM rate_starts WHERE queue = :queue;

-- name: latest_rate_start
SELECT MAX(at) FROM rate_starts WHERE queue = :queue;

-- name: latest_finish
-- The last time a job of the queue ended: one seek of jobs_queue_state per final state.
SELECT MAX(at) FROM (
    SELECT MAX(completed_at) AS at FROM jobs WHERE queue = :queue AND state = 'completed'
    UNION ALL
    SELECT MAX(completed_at) FROM jobs WHERE queue = :queue AND state = 'failed'
    UNION ALL
    SELECT MAX(completed_at) FROM jobs WHERE queue = :queue AND state = 'cancelled'
);

-- name: insert_rate_start
INSERT INTO rate_starts (queue, at) VALUES (:queue, :at);

-- name: claim_jobs
UPDATE jobs
SET state = 'active', lease_token = lower(hex(randomblob(16))), lease_expires_at = :expires_at,
    worker_id = :worker_id, started_at = :now
WHERE id IN (
    SELECT id FROM jobs WHERE queue = :queue AND state = 'pending'
    ORDER BY priority, run_at, rowid LIMIT :count
)
RETURNING *;

-- name: next_due
SELECT MIN(run_at) FROM jobs WHERE state = 'delayed' AND run_at > :now;

-- name: extend_lease
UPDATE jobs SET lease_expires_at = :expires_at
WHERE id = :id AND lease_token = :token AND state = 'active' AND lease_expires_at >= :now
RETURNING lease_expires_at;

-- name: cancel_requested
SELECT id FROM jobs WHERE id = :id AND cancel_requested = 1 AND state = 'active';

-- name: set_progress
UPDATE jobs SET progress = :progress
WHERE id = :id AND lease_token = :token AND state = 'active' AND lease_expires_at >= :now
RETURNING id, queue, type, owner;

-- name: add_partial
UPDATE jobs SET partial_results = json_insert(partial_results, '$[#]', json(:item))
WHERE id = :id AND lease_token = :token AND state = 'active' AND lease_expires_at >= :now
RETURNING id, queue, type, owner;

-- name: complete_job
UPDATE jobs
SET state = 'completed', result = :result, completed_at = :now, attempts_made = attempts_made + 1,
    lease_token = NULL, lease_expires_at = NULL, failed_reason = NULL, stacktrace = NULL,
    progress = json_set(coalesce(progress, '{}'), '$.percentage', 100.0)
WHERE id = :id AND lease_token = :token AND state = 'active' AND lease_expires_at >= :now
RETURNING id, queue, type, owner, started_at;

-- name: retry_job
UPDATE jobs
SET state = :state, run_at = :run_at, attempts_made = attempts_made + 1,
    failed_reason = :reason, stacktrace = :stacktrace, lease_token = NULL, lease_expires_at = NULL
WHERE id = :id AND lease_token = :token AND state = 'active' AND lease_expires_at >= :now
  AND cancel_requested = 0
RETURNING *;

-- name: fail_job
UPDATE jobs
SET state = 'failed', completed_at = :now, attempts_made = attempts_made + 1,
    failed_reason = :reason, stacktrace = :stacktrace, lease_token = NULL, lease_expires_at = NULL
WHERE id = :id AND lease_token = :token AND state = 'active' AND lease_expires_at >= :now
RETURNING *;

-- name: cancel_active
UPDATE jobs
SET state = 'cancelled', completed_at = :now, attempts_made = attempts_made + 1,
    lease_token = NULL, lease_expires_at = NULL
WHERE id = :id AND lease_token = :token AND state = 'active' AND lease_expires_at >= :now
RETURNING *;

-- name: cancel_waiting
UPDATE jobs SET state = 'cancelled', completed_at = :now
WHERE id = :id AND state IN ('pending', 'delayed')
RETURNING *;

-- name: request_cancel
UPDATE jobs SET cancel_requested = 1 WHERE id = :id AND state = 'active' RETURNING *;

-- name: release_job
UPDATE jobs SET state = 'pending', lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
WHERE id = :id AND lease_token = :token AND state = 'active' AND lease_expires_at >= :now
  AND cancel_requested = 0;

-- name: held_cancel_requested
SELECT 1 FROM jobs
WHERE id = :id AND lease_token = :token AND state = 'active' AND lease_expires_at >= :now
  AND cancel_requested = 1;

-- name: expired_leases
SELECT * FROM jobs WHERE state = 'active' AND lease_expires_at < :now;

-- name: any_expired_lease
SELECT 1 FROM jobs WHERE state = 'active' AND lease_expires_at < :now LIMIT 1;

-- name: requeue_stalled
UPDATE jobs
SET state = 'pending', stalled_count = stalled_count + 1, lease_token = NULL,
    lease_expires_at = NULL, worker_id = NULL
WHERE id = :id AND state = 'active' AND lease_expires_at < :now
RETURNING *;

-- name: fail_stalled
UPDATE jobs
SET state = 'failed', stalled_count = stalled_count + 1, completed_at = :now,
    failed_reason = :reason, lease_token = NULL, lease_expires_at = NULL
WHERE id = :id AND state = 'active' AND lease_expires_at < :now
RETURNING *;

-- name: cancel_stalled
UPDATE jobs
SET state = 'cancelled', completed_at = :now, lease_token = NULL, lease_expires_at = NULL
WHERE id = :id AND state = 'active' AND lease_expires_at < :now
RETURNING *;

-- name: requeue_finished
UPDATE jobs
SET state = 'pending', run_at = :now, attempts_made = 0, stalled_count = 0, result = NULL,
    failed_reason = NULL, stacktrace = NULL, progress = NULL, partial_results = '[]',
    started_at = NULL, completed_at = NULL, cancel_requested = 0, charged = cost
WHERE id = :id AND state IN ('failed', 'cancelled')
RETURNING *;

-- name: promote_job
UPDATE jobs SET state = 'pending', run_at = :now
WHERE id = :id AND state = 'delayed'
RETURNING *;

-- name: position
-- Three range counts over the covering index jobs_pending (queue, priority, run_at): the
-- jobs of a lower priority, then of the same priority that are older, then the same run_at
-- with a lower rowid. Each visits only the index entries it counts.
SELECT
    (SELECT COUNT(*) FROM jobs WHERE state = 'pending' AND queue = me.queue
        AND priority < me.priority)
  + (SELECT COUNT(*) FROM jobs WHERE state = 'pending' AND queue = me.queue
        AND priority = me.priority AND run_at < me.run_at)
  + (SELECT COUNT(*) FROM jobs WHERE state = 'pending' AND queue = me.queue
        AND priority = me.priority AND run_at = me.run_at AND rowid < me.rowid)
FROM jobs AS me WHERE me.id = :id;

-- name: waiting_order
SELECT id FROM jobs WHERE state = 'pending' AND queue = :queue
ORDER BY priority, run_at, rowid LIMIT :limit;

-- name: recent_durations_of_type
SELECT duration FROM durations WHERE queue = :queue AND type = :type ORDER BY at DESC LIMIT :limit;

-- name: recent_durations_of_queue
SELECT duration FROM durations WHERE queue = :queue ORDER BY at DESC LIMIT :limit;

-- name: insert_duration
INSERT INTO durations (queue, type, at, duration) VALUES (:queue, :type, :at, :duration);

-- name: add_minute_stats
INSERT INTO minute_stats (queue, type, minute, completed, failed, duration_sum, duration_max)
VALUES (:queue, :type, :minute, :completed, :failed, :duration, :duration)
ON CONFLICT (queue, type, minute) DO UPDATE SET
    completed = completed + excluded.completed,
    failed = failed + excluded.failed,
    duration_sum = duration_sum + excluded.duration_sum,
    duration_max = max(duration_max, excluded.duration_max);

-- name: minute_stats
SELECT * FROM minute_stats WHERE minute >= :since AND (:queue IS NULL OR queue = :queue)
ORDER BY minute, queue, type;

-- name: add_depth
INSERT OR IGNORE INTO queue_depth (queue, minute, waiting, active, delayed)
VALUES (:queue, :minute, :waiting, :active, :delayed);

-- name: depth_since
SELECT * FROM queue_depth WHERE minute >= :since AND (:queue IS NULL OR queue = :queue)
ORDER BY minute, queue;

-- name: trim_depth
DELETE FROM queue_depth WHERE minute < :before;

-- name: count_in_state
SELECT COUNT(*) FROM jobs WHERE queue = :queue AND state = :state;

-- name: count_due
SELECT COUNT(*) FROM jobs WHERE queue = :queue AND state = 'delayed' AND run_at <= :now;

-- name: oldest_waiting
SELECT MIN(run_at) FROM jobs WHERE queue = :queue AND state = 'pending';

-- name: next_run_in_queue
SELECT MIN(run_at) FROM jobs WHERE queue = :queue AND state = 'delayed';

-- name: all_queues
SELECT name, paused FROM queues ORDER BY name;

-- name: add_queue
INSERT OR IGNORE INTO queues (name) VALUES (:name);

-- name: set_paused
INSERT INTO queues (name, paused) VALUES (:name, :paused)
ON CONFLICT (name) DO UPDATE SET paused = excluded.paused;

-- name: delete_finished_before
DELETE FROM jobs WHERE id IN (
    SELECT id FROM jobs WHERE queue = :queue AND state = :state AND completed_at < :before
    LIMIT :batch
)
RETURNING id;

-- name: delete_beyond_count
DELETE FROM jobs WHERE id IN (
    SELECT id FROM jobs WHERE queue = :queue AND state IN ('completed', 'failed', 'cancelled')
    ORDER BY completed_at DESC LIMIT :batch OFFSET :keep
)
RETURNING id;

-- name: delete_finished_job
DELETE FROM jobs WHERE id = :id AND state IN ('completed', 'failed', 'cancelled') RETURNING *;

-- name: delete_tags
DELETE FROM job_tags WHERE job_id = :id;

-- name: waiting_in_queue
SELECT id FROM jobs WHERE queue = :queue AND state IN ('pending', 'delayed') LIMIT :batch;

-- name: upsert_worker
INSERT INTO workers (id, host, pid, queues, concurrency, running, started_at, heartbeat_at)
VALUES (:id, :host, :pid, :queues, :concurrency, :running, :started_at, :heartbeat_at)
ON CONFLICT (id) DO UPDATE SET running = excluded.running, heartbeat_at = excluded.heartbeat_at;

-- name: delete_worker
DELETE FROM workers WHERE id = :id;

-- name: all_workers
SELECT * FROM workers ORDER BY started_at;

-- name: forget_workers
DELETE FROM workers WHERE heartbeat_at < :before;

-- name: get_account
SELECT balance FROM accounts WHERE owner = :owner;

-- name: open_account
INSERT INTO accounts (owner, balance) VALUES (:owner, :balance);

-- name: set_balance
UPDATE accounts SET balance = :balance WHERE owner = :owner;

-- name: insert_ledger
INSERT INTO ledger (owner, kind, amount, balance, job_id, at, note)
VALUES (:owner, :kind, :amount, :balance, :job_id, :at, :note);

-- name: clear_charge
UPDATE jobs SET charged = 0 WHERE id = :id;

-- name: ledger_of_owner
SELECT * FROM ledger WHERE owner = :owner ORDER BY id DESC LIMIT :limit;

-- name: ledger_all
SELECT * FROM ledger ORDER BY id DESC LIMIT :limit;

-- name: events_after
SELECT * FROM events WHERE id > :after ORDER BY id LIMIT :limit;

-- name: last_event
SELECT coalesce(MAX(id), 0) FROM events;

-- name: trim_events
DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - :keep;

-- name: trim_durations
DELETE FROM durations WHERE rowid IN (
    SELECT rowid FROM durations WHERE queue = :queue AND type = :type
    ORDER BY at DESC LIMIT -1 OFFSET :keep
);

-- name: duration_groups
SELECT DISTINCT queue, type FROM durations;

-- name: count_hit
INSERT INTO throttles (key, slot, hits) VALUES (:key, :slot, 1)
ON CONFLICT (key) DO UPDATE
SET hits = CASE WHEN slot = excluded.slot THEN hits + 1 ELSE 1 END, slot = excluded.slot
RETURNING hits;
