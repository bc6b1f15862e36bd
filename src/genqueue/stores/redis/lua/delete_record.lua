-- delete_record: delete a record with every listing entry that names it.
-- KEYS[1] the record's hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] kind  ARGV[6] id
-- Returns 1 when a record was deleted, 0 when there was none.
local kind, id = ARGV[5], ARGV[6]
if not unindex_record(KEYS[1], kind, id) then
  return 0
end
redis.call('ZREM', records_key(kind), id)
redis.call('DEL', KEYS[1])
return 1
