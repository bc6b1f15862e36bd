-- clean: delete one batch of a queue's jobs that finished in a state before a time, with
-- every index entry naming them.
-- KEYS[1] the queue's index of that final state
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] finished before (exclusive)  ARGV[6] batch size
-- Returns how many jobs were deleted.
local removed = 0
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[5], 'LIMIT', 0, ARGV[6])
for _, id in ipairs(ids) do
  removed = removed + remove_job(id)
  redis.call('ZREM', KEYS[1], id)
end
return removed
