-- throttle: count one hit in a fixed window; the counter expires after its window.
-- KEYS[1] the window's counter
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] seconds the counter must outlive its window by the server's clock
-- Returns the count including this hit.
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[5])
end
return count
