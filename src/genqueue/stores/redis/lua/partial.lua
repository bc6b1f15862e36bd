-- partial: append one partial result to a running job.
-- KEYS[1] the job's hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] job id  ARGV[6] lease token  ARGV[7] the item (JSON)
-- Returns {OK} | {LEASE_LOST}
local job = core(ARGV[5])
if not held(job, ARGV[6]) then
  return {LEASE_LOST}
end
local item = ARGV[7]
local so_far = redis.call('HGET', KEYS[1], 'partial_results')
if so_far then
  so_far = string.sub(so_far, 1, -2) .. ',' .. item .. ']'
else
  so_far = '[' .. item .. ']'
end
redis.call('HSET', KEYS[1], 'partial_results', so_far)
emit('partial', job, '{"item":' .. item .. '}')
return {OK}
