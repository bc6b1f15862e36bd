-- put_record: insert a record, or replace the one of the same kind and id (keeping its
-- created_at), with its listing entries: the kind's, the owner's and one per index field.
-- The replaced record's entries go first, so an index value it no longer has lists it no
-- more. The index fields are kept in the hash as `i:<name>` for that.
-- KEYS[1] the record's hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] kind  ARGV[6] id  ARGV[7] owner  ARGV[8] data (JSON)
-- ARGV[9..] index field name, value, ...
-- Returns the record's created_at.
local kind, id, owner = ARGV[5], ARGV[6], ARGV[7]
local created = unindex_record(KEYS[1], kind, id) or NOW
redis.call('DEL', KEYS[1])
local fields = {'kind', kind, 'id', id, 'owner', owner, 'data', ARGV[8],
  'created_at', created, 'updated_at', NOW}
for i = 9, #ARGV, 2 do
  fields[#fields + 1] = 'i:' .. ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  redis.call('ZADD', record_where_key(kind, ARGV[i], ARGV[i + 1]), created, id)
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('ZADD', records_key(kind), created, id)
redis.call('ZADD', record_owner_key(kind, owner), created, id)
return created
