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
local base, smallest, walked = KEYS[1], nil, 0
for i, key in ipairs(sets) do
  local size = redis.call('ZCARD', key)
  if smallest == nil or size < smallest then
    base, smallest, walked = key, size, i
  end
end

local function fetch(id)
  return redis.call('HGETALL', record_key(kind, id))
end

local page = {}
if #sets <= 1 then
  for _, id in ipairs(redis.call('ZREVRANGE', base, skip, skip + limit - 1)) do
    page[#page + 1] = fetch(id)
  end
  return {redis.call('ZCARD', base), page}
end

local function matches(id)
  for i, key in ipairs(sets) do
    if i ~= walked and not redis.call('ZSCORE', key, id) then
      return false
    end
  end
  return true
end

local total, start = 0, 0
while smallest > 0 do
  local ids = redis.call('ZREVRANGE', base, start, start + 999)
  for _, id in ipairs(ids) do
    if matches(id) then
      total = total + 1
      if total > skip and #page < limit then
        page[#page + 1] = fetch(id)
      end
    end
  end
  if #ids < 1000 then
    break
  end
  start = start + 1000
end
return {total, page}
