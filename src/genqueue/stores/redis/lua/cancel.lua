-- cancel: a waiting job ends cancelled at once (refunded); a running one is marked, and
-- its worker stops it and confirms.
-- KEYS[1] the job's hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] job id
-- Returns {OK, job fields} | {NOT_FOUND} | {INVALID_STATE, state}
local job = core(ARGV[5])
if not job then
  return {NOT_FOUND}
end
if job.state == 'pending' or job.state == 'delayed' then
  redis.call('HSET', KEYS[1], 'state', 'cancelled', 'completed_at', NOW)
  finalize(job, 'cancelled')
  refund(job)
  bump('cancelled', job)
  emit('cancelled', job)
  return {OK, whole(job.id)}
end
if job.state == 'active' then
  redis.call('HSET', KEYS[1], 'cancel_requested', '1')
  return {OK, whole(job.id)}
end
return {INVALID_STATE, job.state}
