-- promote: a delayed job becomes pending now.
-- KEYS[1] the job's hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] job id
-- Returns {OK, job fields} | {NOT_FOUND} | {INVALID_STATE, state}
local job = core(ARGV[5])
if not job then
  return {NOT_FOUND}
end
if job.state ~= 'delayed' then
  return {INVALID_STATE, job.state}
end
leave(job)
local order = next_order()
redis.call('HSET', KEYS[1], 'state', 'pending', 'run_at', NOW, 'order', order)
to_pending(job.queue, job.id, job.priority, order, NOW)
wake(job.queue)
return {OK, whole(job.id)}
