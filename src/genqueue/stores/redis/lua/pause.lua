-- pause: pause or resume a queue; a resumed queue with work wakes idle workers.
-- KEYS[1] the queues hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] queue  ARGV[6] '1' to pause, '0' to resume
-- Returns {OK}
redis.call('HSET', KEYS[1], ARGV[5], ARGV[6])
if ARGV[6] == '0' then
  wake(ARGV[5])
end
return {OK}
