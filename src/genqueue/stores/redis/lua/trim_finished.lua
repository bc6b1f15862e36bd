-- trim_finished: delete one batch of a queue's oldest finished jobs beyond the newest `keep`.
-- KEYS[1] the queue's jobs index (routes the call to the store's slot)
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] queue  ARGV[6] how many finished jobs to keep  ARGV[7] batch size
-- Returns how many jobs were deleted.
local queue, keep, batch = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local sets = {qkey(queue, 'completed'), qkey(queue, 'failed'), qkey(queue, 'cancelled')}
local total = 0
for _, set in ipairs(sets) do
  total = total + redis.call('ZCARD', set)
end
local excess = math.min(total - keep, batch)
if excess <= 0 then
  return 0
end
-- the oldest `excess` across the three indexes: merge their heads by finish time
local oldest = {}
for _, set in ipairs(sets) do
  local head = redis.call('ZRANGE', set, 0, excess - 1, 'WITHSCORES')
  for i = 1, #head, 2 do
    oldest[#oldest + 1] = {head[i], tonumber(head[i + 1]), set}
  end
end
table.sort(oldest, function(a, b) return a[2] < b[2] end)
local removed = 0
for i = 1, excess do
  removed = removed + remove_job(oldest[i][1])
  redis.call('ZREM', oldest[i][3], oldest[i][1])
end
return removed
