-- confirm_cancel: the worker stopped a job whose cancel was asked for; end it cancelled.
-- KEYS[1] the job's hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] job id  ARGV[6] lease token
-- Returns {OK, job fields} | {LEASE_LOST}
local job = core(ARGV[5])
if not held(job, ARGV[6]) then
  return {LEASE_LOST}
end
return {OK, end_cancelled(job, true)}
