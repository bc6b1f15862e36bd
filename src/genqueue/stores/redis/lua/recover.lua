-- recover: jobs whose lease ran out (their worker is gone) go back to their queue, fail
-- for good past the queue's stall limit, or end cancelled when that was asked for.
-- It is all in the data, so any worker's call recovers any other worker's jobs.
-- KEYS[1] the prefix's job sequence key (routes the call to the store's slot)
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] default stall limit  ARGV[6..] per queue: name, stall limit
-- Returns the recovered jobs' fields.
local limits = {}
for i = 6, #ARGV, 2 do
  limits[ARGV[i]] = tonumber(ARGV[i + 1])
end
local default = tonumber(ARGV[5])
local recovered = {}

local function recover(job, limit)
  local key = job_key(job.id)
  local stalls = tonumber(job.stalled_count) + 1
  clear_lease(job.id)
  bump('stalled', job)
  if job.cancel_requested == '1' then
    return end_cancelled(job, false)
  end
  if stalls > limit then
    local reason = 'job stalled more than ' .. limit
      .. ' time(s): its worker stopped renewing the lease'
    redis.call('HSET', key, 'state', 'failed', 'stalled_count', stalls, 'completed_at', NOW,
      'failed_reason', reason)
    return end_failed(job, reason)
  end
  leave(job)
  redis.call('HSET', key, 'state', 'pending', 'stalled_count', stalls)
  redis.call('HDEL', key, 'worker_id')
  to_pending(job.queue, job.id, job.priority, job.order, job.run_at)
  wake(job.queue)
  emit('stalled', job, '{"stalledCount":' .. stalls .. '}')
  return whole(job.id)
end

for _, queue in ipairs(redis.call('HKEYS', P .. 'queues')) do
  local expired = redis.call('ZRANGEBYSCORE', qkey(queue, 'active'), '-inf', '(' .. NOW, 'LIMIT', 0, 1000)
  for _, id in ipairs(expired) do
    local job = core(id)
    if job and job.state == 'active' and tonumber(job.lease_expires_at) < NOW_N then
      recovered[#recovered + 1] = recover(job, limits[queue] or default)
    end
  end
end
return recovered
