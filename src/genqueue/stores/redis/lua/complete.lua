-- complete: record the results of many jobs in one call; each must still hold its lease.
-- KEYS[1] the prefix's job sequence key (routes the call to the store's slot)
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5..] per job: id, lease token, result (JSON)
-- Returns the ids whose lease was lost (their result is dropped).
local rejected, queues = {}, {}
for i = 5, #ARGV, 3 do
  local id, result = ARGV[i], ARGV[i + 2]
  local job = core(id)
  if held(job, ARGV[i + 1]) then
    local key = job_key(id)
    redis.call('HSET', key, 'state', 'completed', 'result', result, 'completed_at', NOW,
      'attempts_made', tonumber(job.attempts_made) + 1)
    redis.call('HDEL', key, 'lease_token', 'lease_expires_at', 'failed_reason', 'stacktrace')
    finalize(job, 'completed')
    count_finish(job, true)
    emit('completed', job, '{"result":' .. result .. '}')
    queues[job.queue] = true
  else
    rejected[#rejected + 1] = id
  end
end
write_finishes()
for queue in pairs(queues) do
  wake(queue)
end
return rejected
