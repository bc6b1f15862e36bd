-- list_records: one page of a kind's records, newest first (created_at, then id), with the
-- total that match. Reads only. With one filter (the owner or one field) or none, the page
-- and the total come straight from that set; with more, the smallest set is walked and
-- each of its records is checked against the other sets.
-- KEYS[1] the kind's set (every record of the kind by created_at)
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] kind  ARGV[6] owner ('' for any)  ARGV[7] limit  ARGV[8] skip
-- ARGV[9..] where: field name, value, ...
-- Returns {total, {record fields}...}
local kind, owner = ARGV[5], ARGV[6]
local limit, skip = tonumber(ARGV[7]), tonumber(ARGV[8])
local sets = {}
if owner ~= '' then
  sets[#sets + 1] = record_owner_key(kind, owner)
end
for i = 9, #ARGV, 2 do
  sets[#sets + 1] = record_where_key(kind, ARGV[i], ARGV[i + 1])
end
local base, walked = smallest_set(sets, KEYS[1])

local function fetch(id)
  return redis.call('HGETALL', record_key(kind, id))
end

if #sets <= 1 then
  return page_of(base, skip, limit, fetch)
end

local function matches(id)
  for i, key in ipairs(sets) do
    if i ~= walked and not redis.call('ZSCORE', key, id) then
      return false
    end
  end
  return true
end

return page_walk(base, skip, limit, matches, fetch)
