-- progress: store the latest progress of many jobs and put each in the feed.
-- KEYS[1] the prefix's job sequence key (routes the call to the store's slot)
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5..] per update: job id, lease token, progress (JSON)
-- Returns the ids whose lease was lost.
local lost = {}
for i = 5, #ARGV, 3 do
  local job = core(ARGV[i])
  if held(job, ARGV[i + 1]) then
    redis.call('HSET', job_key(job.id), 'progress', ARGV[i + 2])
    emit('progress', job, ARGV[i + 2])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
