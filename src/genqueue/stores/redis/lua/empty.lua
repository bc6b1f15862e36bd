-- empty: cancel and refund one batch of a queue's waiting (pending and delayed) jobs.
-- KEYS[1] the queue's pending index
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] queue  ARGV[6] batch size
-- Returns how many jobs were cancelled.
local queue, batch = ARGV[5], tonumber(ARGV[6])
local ids = redis.call('ZRANGE', KEYS[1], 0, batch - 1)
if #ids < batch then
  for _, id in ipairs(redis.call('ZRANGE', qkey(queue, 'delayed'), 0, batch - #ids - 1)) do
    ids[#ids + 1] = id
  end
end
for _, id in ipairs(ids) do
  local job = core(id)
  redis.call('HSET', job_key(id), 'state', 'cancelled', 'completed_at', NOW)
  finalize(job, 'cancelled')
  refund(job)
  bump('cancelled', job)
  emit('cancelled', job)
end
return #ids
