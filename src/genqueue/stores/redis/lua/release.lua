-- release: hand held jobs back to their queue at once (worker shutdown); one whose cancel
-- was asked for ends cancelled instead. A job keeps its place in the queue.
-- KEYS[1] the prefix's job sequence key (routes the call to the store's slot)
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5..] per lease: job id, token
-- Returns how many jobs were handed back or cancelled.
local handed = 0
for i = 5, #ARGV, 2 do
  local job = core(ARGV[i])
  if held(job, ARGV[i + 1]) then
    handed = handed + 1
    if job.cancel_requested == '1' then
      end_cancelled(job, true)
    else
      local key = job_key(job.id)
      leave(job)
      redis.call('HSET', key, 'state', 'pending')
      redis.call('HDEL', key, 'lease_token', 'lease_expires_at', 'worker_id')
      to_pending(job.queue, job.id, job.priority, job.order, job.run_at)
      wake(job.queue)
    end
  end
end
return handed
