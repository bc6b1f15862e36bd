-- record_depth: keep one depth sample per queue and minute (the first one offered wins)
-- and drop that queue's samples older than the retention.
-- KEYS[1] the queues hash (routes the call to the store's slot)
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] keep samples from this minute on
-- ARGV[6..] per sample, five values: queue, minute, waiting, active, delayed
-- Returns how many samples were added.
local since = ARGV[5]
local added = 0
for i = 6, #ARGV, 5 do
  local key, minute = qkey(ARGV[i], 'depth'), ARGV[i + 1]
  if redis.call('ZCOUNT', key, minute, minute) == 0 then
    local member = minute .. ':' .. ARGV[i + 2] .. ':' .. ARGV[i + 3] .. ':' .. ARGV[i + 4]
    redis.call('ZADD', key, minute, member)
    added = added + 1
  end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. since)
end
return added
