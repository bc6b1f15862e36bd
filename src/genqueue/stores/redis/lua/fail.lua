-- fail: apply the engine's decision on a failed attempt: the next attempt after its
-- backoff, or failed for good (refunded). A job whose cancel was asked for ends cancelled.
-- KEYS[1] the job's hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] job id  ARGV[6] lease token  ARGV[7] reason  ARGV[8] stack trace ('' for none)
-- ARGV[9] retry at ('' to fail for good)
-- Returns {OK, job fields} | {LEASE_LOST}
local job = core(ARGV[5])
if not held(job, ARGV[6]) then
  return {LEASE_LOST}
end
local reason, stacktrace, retry_at = ARGV[7], ARGV[8], ARGV[9]
if retry_at ~= '' and job.cancel_requested == '1' then
  return {OK, end_cancelled(job, true)}
end
local attempts = tonumber(job.attempts_made) + 1
redis.call('HSET', KEYS[1], 'attempts_made', attempts, 'failed_reason', reason)
if stacktrace ~= '' then
  redis.call('HSET', KEYS[1], 'stacktrace', stacktrace)
else
  redis.call('HDEL', KEYS[1], 'stacktrace')
end
clear_lease(job.id)
if retry_at == '' then
  redis.call('HSET', KEYS[1], 'state', 'failed', 'completed_at', NOW)
  return {OK, end_failed(job, reason)}
end
leave(job)
if tonumber(retry_at) > NOW_N then
  redis.call('HSET', KEYS[1], 'state', 'delayed', 'run_at', retry_at)
  to_delayed(job.queue, job.id, retry_at)
else
  local order = next_order()
  redis.call('HSET', KEYS[1], 'state', 'pending', 'run_at', retry_at, 'order', order)
  to_pending(job.queue, job.id, job.priority, order, retry_at)
end
wake(job.queue)
bump('retried', job)
emit('retrying', job, '{"reason":' .. cjson.encode(reason) .. ',"retryAt":' .. retry_at
  .. ',"attemptsMade":' .. attempts .. '}')
return {OK, whole(job.id)}
