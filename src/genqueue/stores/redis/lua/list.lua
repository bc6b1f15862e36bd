-- list: one page of jobs, newest first, with the total that match. Reads only.
-- The smallest of the matching indexes (owner, queue, tags; else every job) is walked and
-- the other filters are checked per job; with a single index and no type or state filter
-- the page and the total are read straight from it.
-- KEYS[1] the index of every job (routes the call to the store's slot)
-- ARGV[1..4] common (see _lib.lua); ARGV[2] is when a delayed job counts as pending
-- ARGV[5] limit  ARGV[6] skip  ARGV[7] owner ('' for any)  ARGV[8] queue ('' for any)
-- ARGV[9] n, then n types; then m, then m states; then t, then t tag name, value pairs;
-- then a search word ('' for none) and the shortest id prefix it may match as
-- Returns {total, {job fields}...}
local limit, skip, owner, queue = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], ARGV[8]
local at = 9
local function set_of()
  local n, set = tonumber(ARGV[at]), {}
  for k = 1, n do
    set[ARGV[at + k]] = true
  end
  at = at + n + 1
  return set, n
end
local types, ntypes = set_of()
local states, nstates = set_of()
local tags = {}
local ntags = tonumber(ARGV[at])
for k = 0, ntags - 1 do
  tags[#tags + 1] = tag_key(ARGV[at + 1 + 2 * k], ARGV[at + 2 + 2 * k])
end
at = at + 1 + 2 * ntags
local text, min_prefix = ARGV[at], tonumber(ARGV[at + 1])

-- The search word is the job's id (whole or a long enough prefix), owner, type or a tag value.
local function found(id, v)
  if text == '' or id == text or v[1] == text or v[3] == text then
    return true
  end
  if #text >= min_prefix and string.sub(id, 1, #text) == text then
    return true
  end
  for _, value in pairs(cjson.decode(v[6] or '{}')) do
    if value == text then
      return true
    end
  end
  return false
end

local indexes = {}
if owner ~= '' then indexes[#indexes + 1] = owner_key(owner) end
if queue ~= '' then indexes[#indexes + 1] = qkey(queue, 'all') end
for _, key in ipairs(tags) do indexes[#indexes + 1] = key end
local base = smallest_set(indexes, KEYS[1])

local function matches(id)
  local v = redis.call('HMGET', job_key(id), 'owner', 'queue', 'type', 'state', 'run_at', 'tags')
  if (owner ~= '' and v[1] ~= owner) or (queue ~= '' and v[2] ~= queue) then
    return false
  end
  if ntypes > 0 and not types[v[3]] then
    return false
  end
  local state = v[4]
  if state == 'delayed' and tonumber(v[5]) <= NOW_N then
    state = 'pending'
  end
  if (nstates > 0 and not states[state]) or not found(id, v) then
    return false
  end
  for _, key in ipairs(tags) do
    if not redis.call('ZSCORE', key, id) then
      return false
    end
  end
  return true
end

if #indexes <= 1 and ntypes == 0 and nstates == 0 and text == '' then
  return page_of(base, skip, limit, whole)
end
return page_walk(base, skip, limit, matches, whole)
