-- delete: remove a job with every index entry that names it (owner, queue, tags,
-- idempotency key). A waiting job is cancelled first (refunded, in the feed); a running
-- one is refused: its worker still holds it.
-- KEYS[1] the job's hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] job id
-- Returns {OK, job fields as last held} | {NOT_FOUND} | {INVALID_STATE, state}
local job = core(ARGV[5])
if not job then
  return {NOT_FOUND}
end
if job.state == 'active' then
  return {INVALID_STATE, job.state}
end
if job.state == 'pending' or job.state == 'delayed' then
  redis.call('HSET', KEYS[1], 'state', 'cancelled', 'completed_at', NOW)
  finalize(job, 'cancelled')
  refund(job)
  emit('cancelled', job)
end
local last = whole(job.id)
remove_job(job.id)
return {OK, last}
