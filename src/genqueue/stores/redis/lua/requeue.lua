-- requeue: run a failed or cancelled job again from its first attempt, charging again
-- whatever was refunded.
-- KEYS[1] the job's hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] job id
-- Returns {OK, job fields} | {NOT_FOUND} | {INVALID_STATE, state}
--       | {INSUFFICIENT_CREDITS, balance, missing, owner}
local job = core(ARGV[5])
if not job then
  return {NOT_FOUND}
end
if job.state ~= 'failed' and job.state ~= 'cancelled' then
  return {INVALID_STATE, job.state}
end
local missing = tonumber(job.cost) - tonumber(job.charged)
if missing > 0 then
  local charged, balance = charge(job, missing)
  if not charged then
    return {INSUFFICIENT_CREDITS, balance, missing, job.owner}
  end
end
leave(job)
local order = next_order()
redis.call('HSET', KEYS[1], 'state', 'pending', 'run_at', NOW, 'attempts_made', 0,
  'stalled_count', 0, 'cancel_requested', '0', 'charged', job.cost, 'order', order)
redis.call('HDEL', KEYS[1], 'result', 'failed_reason', 'stacktrace', 'progress',
  'partial_results', 'started_at', 'completed_at')
to_pending(job.queue, job.id, job.priority, order, NOW)
wake(job.queue)
bump('requeued', job)
emit('retrying', job, '{"manual":true}')
return {OK, whole(job.id)}
