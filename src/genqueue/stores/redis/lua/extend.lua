-- extend: renew the leases a worker still holds.
-- KEYS[1] the prefix's job sequence key (routes the call to the store's slot)
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] the new expiry  ARGV[6..] per lease: job id, token
-- Returns the ids whose lease was renewed.
local expires = ARGV[5]
local renewed = {}
for i = 6, #ARGV, 2 do
  local job = core(ARGV[i])
  if held(job, ARGV[i + 1]) then
    redis.call('HSET', job_key(job.id), 'lease_expires_at', expires)
    redis.call('ZADD', qkey(job.queue, 'active'), expires, job.id)
    renewed[#renewed + 1] = job.id
  end
end
return renewed
