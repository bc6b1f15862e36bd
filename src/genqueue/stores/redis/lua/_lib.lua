-- Helpers shared by every script: the store prepends this file to each one before loading.
-- Every script takes the same first four arguments:
--   ARGV[1] key prefix with its hash tag, e.g. "{genqueue}:" (every key starts with it, so
--           every key a script builds lives in the slot of KEYS[1])
--   ARGV[2] now: Unix seconds from the engine's clock (never the server's TIME)
--   ARGV[3] the initial credits of an account opened on first use
--   ARGV[4] how many events the feed keeps (XADD MAXLEN ~)
-- Times travel as strings and are stored as given; computed ones are formatted with %.17g,
-- which reads back as the same double.
local P = ARGV[1]
local NOW = ARGV[2]
local NOW_N = tonumber(NOW)
local INITIAL = tonumber(ARGV[3])
local EVENTS_KEPT = ARGV[4]
local ORDER_SPAN = 4294967296
local STATS_TTL = 8 * 86400
local DURATIONS_KEPT = 49
-- The run-time histogram's bucket bounds: the same list as DURATION_BOUNDS in
-- genqueue/engine/counters.py (change both together). A bucket index past them is +Inf.
local DURATION_BOUNDS = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
  1800, 3600}

local function fmt(x)
  return string.format('%.17g', x)
end

local function job_key(id)
  return P .. 'job:' .. id
end

local function qkey(queue, part)
  return P .. 'q:' .. queue .. ':' .. part
end

local function owner_key(owner)
  return P .. 'owner:' .. owner
end

local function tag_key(name, value)
  return P .. 'tag:' .. #name .. ':' .. name .. '=' .. value
end

local function idem_field(owner, key)
  return #owner .. ':' .. owner .. ':' .. key
end

local CORE = {'state', 'lease_token', 'lease_expires_at', 'queue', 'type', 'owner',
  'cancel_requested', 'charged', 'started_at', 'stalled_count', 'attempts_made', 'order',
  'priority', 'run_at', 'cost'}

-- The fields every transition decides on, or nil when the job does not exist.
local function core(id)
  local values = redis.call('HMGET', job_key(id), unpack(CORE))
  if not values[1] then
    return nil
  end
  local job = {id = id}
  for i, name in ipairs(CORE) do
    job[name] = values[i]
  end
  return job
end

-- The job's lease is held with this token and has not run out.
local function held(job, token)
  return job ~= nil and job.state == 'active' and job.lease_token == token
    and tonumber(job.lease_expires_at) >= NOW_N
end

local function emit(kind, job, data)
  redis.call('XADD', P .. 'events', 'MAXLEN', '~', EVENTS_KEPT, '0-*', 'k', kind, 'j', job.id,
    'q', job.queue, 't', job.type, 'o', job.owner, 'a', NOW, 'd', data or '{}')
end

local function whole(id)
  return redis.call('HGETALL', job_key(id))
end

-- Keep one wake-up token in the queue's wake list while it has claimable work.
local function wake(queue)
  local list = qkey(queue, 'wake')
  if redis.call('ZCARD', qkey(queue, 'pending')) > 0 and redis.call('LLEN', list) == 0 then
    redis.call('RPUSH', list, '1')
  end
end

-- A new delayed job: wake one idle worker, whose claim learns the new due time and sleeps
-- until then (the claim drops the token again, as the queue has nothing pending).
local function nudge(queue)
  local list = qkey(queue, 'wake')
  if redis.call('LLEN', list) == 0 then
    redis.call('RPUSH', list, '1')
  end
end

local function next_order()
  return redis.call('INCR', P .. 'seq')
end

-- Queues with pending or delayed jobs: claims skip the others without a look. A claim
-- that finds a queue with neither takes it out (see claim.lua).
local function mark_ready(queue)
  redis.call('HSET', P .. 'ready', queue, '1')
end

local function to_pending(queue, id, priority, order, run_at)
  local score = (tonumber(priority) - 1) * ORDER_SPAN + tonumber(order)
  redis.call('ZADD', qkey(queue, 'pending'), fmt(score), id)
  redis.call('ZADD', qkey(queue, 'waiting'), run_at, id)
  mark_ready(queue)
end

local function to_delayed(queue, id, run_at)
  redis.call('ZADD', qkey(queue, 'delayed'), run_at, id)
  mark_ready(queue)
end

-- Take the job out of the index of the state it is in. A job leaving `active` frees a slot
-- of its queue: the time is kept so that no claim that takes the slot is stamped earlier.
local function leave(job)
  if job.state == 'pending' then
    redis.call('ZREM', qkey(job.queue, 'pending'), job.id)
    redis.call('ZREM', qkey(job.queue, 'waiting'), job.id)
  else
    redis.call('ZREM', qkey(job.queue, job.state), job.id)
    if job.state == 'active' then
      local freed = qkey(job.queue, 'freed')
      local last = redis.call('GET', freed)
      if not last or tonumber(last) < NOW_N then
        redis.call('SET', freed, NOW)
      end
    end
  end
end

-- Move the job into a final state's index (scored by when it finished).
local function finalize(job, state)
  leave(job)
  redis.call('ZADD', qkey(job.queue, state), NOW, job.id)
end

-- Cumulative counters (engine/counters.py `Counter`): one field of {p}:counters per name,
-- queue and type, bumped in the script of the transition it counts.
local function bump(name, job, amount)
  redis.call('HINCRBY', P .. 'counters', name .. '\t' .. job.queue .. '\t' .. job.type,
    amount or 1)
end

local function ledger(owner, kind, amount, balance, job_id, note)
  local entry = cjson.encode({id = redis.call('INCR', P .. 'ledger:seq'), owner = owner,
    kind = kind, amount = amount, balance = balance, job = job_id, at = NOW, note = note})
  redis.call('LPUSH', P .. 'ledger', entry)
  redis.call('LPUSH', P .. 'ledger:owner:' .. owner, entry)
end

-- The owner's balance, opening the account with its initial grant on first use.
local function account(owner)
  local balance = redis.call('HGET', P .. 'credits', owner)
  if balance then
    return tonumber(balance)
  end
  redis.call('HSET', P .. 'credits', owner, INITIAL)
  ledger(owner, 'grant', INITIAL, INITIAL, nil, 'initial credits')
  return INITIAL
end

-- Charge the job's owner `cost` for it; false (and the balance) when it is short.
local function charge(job, cost)
  local balance = account(job.owner)
  if balance < cost then
    return false, balance
  end
  redis.call('HSET', P .. 'credits', job.owner, balance - cost)
  ledger(job.owner, 'charge', -cost, balance - cost, job.id, nil)
  bump('charged', job, cost)
  return true, balance
end

-- Give back what the job holds, exactly once: `charged` drops to 0 in the same step.
local function refund(job)
  local amount = tonumber(job.charged or 0) or 0
  if amount <= 0 then
    return
  end
  redis.call('HSET', job_key(job.id), 'charged', 0)
  local balance = account(job.owner) + amount
  redis.call('HSET', P .. 'credits', job.owner, balance)
  ledger(job.owner, 'refund', amount, balance, job.id, nil)
  bump('refunded', job, amount)
end

-- Per-minute throughput and the duration samples that wait estimates are made from,
-- gathered over a batch of finished jobs and written once per group and list.
local finishes = {groups = {}, lists = {}, buckets = {}}

-- The histogram bucket of a run time (1-based here; stored 0-based, as Python counts).
local function bucket_of(duration)
  for i, bound in ipairs(DURATION_BOUNDS) do
    if duration <= bound then
      return i - 1
    end
  end
  return #DURATION_BOUNDS
end

local function count_finish(job, completed)
  local duration = 0
  if job.started_at then
    duration = math.max(NOW_N - tonumber(job.started_at), 0)
  end
  local group = job.queue .. '\t' .. job.type
  local g = finishes.groups[group]
  if not g then
    g = {c = 0, f = 0, s = 0, m = 0}
    finishes.groups[group] = g
  end
  if completed then g.c = g.c + 1 else g.f = g.f + 1 end
  g.s = g.s + duration
  g.m = math.max(g.m, duration)
  local state = completed and 'completed' or 'failed'
  local cell = 'duration:' .. state .. ':' .. bucket_of(duration) .. '\t' .. group
  local b = finishes.buckets[cell]
  if not b then
    b = {n = 0, s = 0}
    finishes.buckets[cell] = b
  end
  b.n = b.n + 1
  b.s = b.s + duration
  if completed then
    for _, list in ipairs({qkey(job.queue, 'durations'), qkey(job.queue, 'durations=' .. job.type)}) do
      finishes.lists[list] = finishes.lists[list] or {}
      table.insert(finishes.lists[list], fmt(duration))
    end
  end
end

local function write_finishes()
  local minute = math.floor(NOW_N / 60) * 60
  local key = P .. 'stats:' .. minute
  local any = false
  for group, g in pairs(finishes.groups) do
    any = true
    if g.c > 0 then redis.call('HINCRBY', key, 'c\t' .. group, g.c) end
    if g.f > 0 then redis.call('HINCRBY', key, 'f\t' .. group, g.f) end
    redis.call('HINCRBYFLOAT', key, 's\t' .. group, fmt(g.s))
    local longest = redis.call('HGET', key, 'm\t' .. group)
    if not longest or tonumber(longest) < g.m then
      redis.call('HSET', key, 'm\t' .. group, fmt(g.m))
    end
  end
  if any then
    redis.call('EXPIRE', key, STATS_TTL)
    redis.call('ZADD', P .. 'stats:minutes', minute, minute)
  end
  for list, durations in pairs(finishes.lists) do
    redis.call('LPUSH', list, unpack(durations))
    redis.call('LTRIM', list, 0, DURATIONS_KEPT)
  end
  -- A bucket cell's count, and the run times it holds summed under 'sum:' + the cell.
  for cell, b in pairs(finishes.buckets) do
    redis.call('HINCRBY', P .. 'counters', cell, b.n)
    redis.call('HINCRBYFLOAT', P .. 'counters', 'sum:' .. cell, fmt(b.s))
  end
  finishes = {groups = {}, lists = {}, buckets = {}}
end

local function record_finish(job, completed)
  count_finish(job, completed)
  write_finishes()
end

local function clear_lease(id)
  redis.call('HDEL', job_key(id), 'lease_token', 'lease_expires_at')
end

-- Cancel a job whose lease the caller holds (or that stalled): refunded, in the feed.
local function end_cancelled(job, count_attempt)
  local key = job_key(job.id)
  redis.call('HSET', key, 'state', 'cancelled', 'completed_at', NOW)
  if count_attempt then
    redis.call('HINCRBY', key, 'attempts_made', 1)
  end
  clear_lease(job.id)
  finalize(job, 'cancelled')
  refund(job)
  bump('cancelled', job)
  emit('cancelled', job)
  wake(job.queue)
  return whole(job.id)
end

-- A job that failed for good: refunded, counted, in the feed.
local function end_failed(job, reason)
  finalize(job, 'failed')
  refund(job)
  record_finish(job, false)
  local attempts = tonumber(redis.call('HGET', job_key(job.id), 'attempts_made'))
  emit('failed', job, cjson.encode({reason = reason, attemptsMade = attempts}))
  wake(job.queue)
  return whole(job.id)
end

-- Delete a finished job with every index entry that names it.
local function remove_job(id)
  local key = job_key(id)
  local v = redis.call('HMGET', key, 'queue', 'owner', 'state', 'tags', 'idempotency_key')
  if not v[1] then
    return 0
  end
  leave({id = id, queue = v[1], state = v[3]})
  redis.call('ZREM', P .. 'all', id)
  redis.call('ZREM', qkey(v[1], 'all'), id)
  redis.call('ZREM', owner_key(v[2]), id)
  for name, value in pairs(cjson.decode(v[4] or '{}')) do
    redis.call('ZREM', tag_key(name, value), id)
  end
  if v[5] then
    local field = idem_field(v[2], v[5])
    if redis.call('HGET', P .. 'idempotency', field) == id then
      redis.call('HDEL', P .. 'idempotency', field)
    end
  end
  redis.call('DEL', key)
  return 1
end

-- Domain records (see keys.py). Kinds and index names are length-prefixed (in bytes), so
-- a ':' or '=' inside a name cannot make one key read as another.
local function record_key(kind, id)
  return P .. 'rec:' .. #kind .. ':' .. kind .. ':' .. id
end

local function records_key(kind)
  return P .. 'recs:' .. #kind .. ':' .. kind
end

local function record_owner_key(kind, owner)
  return records_key(kind) .. ':owner:' .. owner
end

local function record_where_key(kind, name, value)
  return records_key(kind) .. ':where:' .. #name .. ':' .. name .. '=' .. value
end

-- Take a record out of its owner's and its index fields' sets (not the kind's); returns
-- its created_at, or nil when there is no such record. Reads field names, not the data.
local function unindex_record(key, kind, id)
  local wanted = {'owner', 'created_at'}
  for _, name in ipairs(redis.call('HKEYS', key)) do
    if string.sub(name, 1, 2) == 'i:' then
      wanted[#wanted + 1] = name
    end
  end
  local v = redis.call('HMGET', key, unpack(wanted))
  if not v[2] then
    return nil
  end
  redis.call('ZREM', record_owner_key(kind, v[1]), id)
  for i = 3, #wanted do
    redis.call('ZREM', record_where_key(kind, string.sub(wanted[i], 3), v[i]), id)
  end
  return v[2]
end

-- The smallest of `keys` (sorted sets) and its position in them; `fallback` with
-- position 0 when `keys` is empty.
local function smallest_set(keys, fallback)
  local base, size, position = fallback, nil, 0
  for i, key in ipairs(keys) do
    local n = redis.call('ZCARD', key)
    if size == nil or n < size then
      base, size, position = key, n, i
    end
  end
  return base, position
end

-- One page of the members of sorted set `base`, newest first, that pass `matches`, each
-- read by `fetch`, with the total that pass; walks the set 1000 members at a time.
local function page_walk(base, skip, limit, matches, fetch)
  local page, total, start = {}, 0, 0
  while true do
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
      return {total, page}
    end
    start = start + 1000
  end
end

-- One page of `base` read straight from it (no filter to check), with its size.
local function page_of(base, skip, limit, fetch)
  local page = {}
  for _, id in ipairs(redis.call('ZREVRANGE', base, skip, skip + limit - 1)) do
    page[#page + 1] = fetch(id)
  end
  return {redis.call('ZCARD', base), page}
end

-- Codes mirrored by genqueue.stores.redis.scripts.Code.
local OK, DUPLICATE, IDEMPOTENCY_CONFLICT, INSUFFICIENT_CREDITS = 0, 1, 2, 3
local NOT_FOUND, INVALID_STATE, LEASE_LOST = 4, 5, 6

