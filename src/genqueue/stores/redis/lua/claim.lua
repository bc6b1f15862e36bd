-- claim: hand out up to `count` jobs of the served queues, highest priority first, FIFO
-- within a priority, under each queue's concurrency cap and sliding-window rate limit.
-- Due delayed jobs of every served, running queue are promoted first.
-- KEYS[1] the prefix's job sequence key (routes the call to the store's slot)
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] worker id  ARGV[6] lease seconds  ARGV[7] count  ARGV[8] lease token base
-- ARGV[9] the queues in the order to serve them, as JSON: [[name, concurrency cap,
--         rate max, rate window], ...], every item a string ('' when the queue has none)
-- Returns {throttled until ('' if not), earliest delayed run_at ('' if none), {job fields}...}
local worker, lease, count, base = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
local claimed, throttled, next_due = {}, nil, nil

local function promote_due(queue)
  local delayed = qkey(queue, 'delayed')
  local first = redis.call('ZRANGE', delayed, 0, 0, 'WITHSCORES')
  if first[2] and tonumber(first[2]) <= NOW_N then
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', delayed, '-inf', NOW, 'LIMIT', 0, 1000)) do
      local v = redis.call('HMGET', job_key(id), 'priority', 'run_at')
      local order = next_order()
      redis.call('ZREM', delayed, id)
      redis.call('HSET', job_key(id), 'state', 'pending', 'order', order)
      to_pending(queue, id, v[1], order, v[2])
    end
    first = redis.call('ZRANGE', delayed, 0, 0, 'WITHSCORES')
  end
  if first[2] and (next_due == nil or tonumber(first[2]) < next_due) then
    next_due = tonumber(first[2])
  end
end

-- How many may start, and when: never before a start already logged for the queue, nor,
-- under a cap, before the last slot was freed. A claim's `now` is read before its call
-- reaches the server, so it can run after a completion stamped later than itself.
local function allowed(queue, wanted, cap, rate_max, rate_per)
  local start = NOW
  if cap ~= '' then
    wanted = math.min(wanted, tonumber(cap) - redis.call('ZCARD', qkey(queue, 'active')))
    local freed = redis.call('GET', qkey(queue, 'freed'))
    if wanted > 0 and freed and tonumber(freed) > NOW_N then
      start = freed
    end
  end
  if rate_max == '' or wanted <= 0 then
    return wanted, start
  end
  local log = qkey(queue, 'rate')
  local latest = redis.call('ZRANGE', log, -1, -1, 'WITHSCORES')
  if latest[2] and tonumber(latest[2]) > tonumber(start) then
    start = latest[2]
  end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', fmt(tonumber(start) - tonumber(rate_per)))
  local used = redis.call('ZCARD', log)
  if used >= tonumber(rate_max) then
    local oldest = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
    local reopens = tonumber(oldest[2]) + tonumber(rate_per)
    if throttled == nil or reopens < throttled then
      throttled = reopens
    end
  end
  return math.min(wanted, tonumber(rate_max) - used), start
end

local function take(queue, wanted, start, limited)
  local started = {}
  local expires = fmt(tonumber(start) + lease)
  local popped = redis.call('ZPOPMIN', qkey(queue, 'pending'), wanted)
  for i = 1, #popped, 2 do
    local id = popped[i]
    local token = base .. (#claimed + 1)
    local key = job_key(id)
    redis.call('ZREM', qkey(queue, 'waiting'), id)
    redis.call('HSET', key, 'state', 'active', 'lease_token', token, 'lease_expires_at', expires,
      'worker_id', worker, 'started_at', start)
    redis.call('ZADD', qkey(queue, 'active'), expires, id)
    if limited then
      redis.call('ZADD', qkey(queue, 'rate'), start, token)
    end
    local fields = redis.call('HGETALL', key)
    local job = {id = id, queue = queue}
    local attempts = 0
    for f = 1, #fields, 2 do
      local name = fields[f]
      if name == 'type' or name == 'owner' then
        job[name] = fields[f + 1]
      elseif name == 'attempts_made' then
        attempts = tonumber(fields[f + 1])
      end
    end
    emit('active', job, '{"attempt":' .. (attempts + 1) .. '}')
    started[job.type] = (started[job.type] or 0) + 1
    claimed[#claimed + 1] = fields
  end
  for job_type, n in pairs(started) do
    bump('attempts', {queue = queue, type = job_type}, n)
  end
end

-- A queue blocked by its cap or rate limit loses its wake-up token: the completion that
-- frees a slot, or the worker's own timer for the window, brings the next claim.
local served = cjson.decode(ARGV[9])
local names = {}
for i, q in ipairs(served) do
  names[i] = q[1]
end
local paused = redis.call('HMGET', P .. 'queues', unpack(names))
local ready = redis.call('HMGET', P .. 'ready', unpack(names))
for i, q in ipairs(served) do
  local queue, cap, rate_max, rate_per = q[1], q[2], q[3], q[4]
  if ready[i] and paused[i] ~= '1' then
    promote_due(queue)
    local pending = qkey(queue, 'pending')
    local blocked = redis.call('ZCARD', pending) == 0
    if not blocked and #claimed < count then
      local wanted, start = allowed(queue, count - #claimed, cap, rate_max, rate_per)
      if wanted > 0 then
        take(queue, wanted, start, rate_max ~= '')
      else
        blocked = true
      end
    end
    if redis.call('ZCARD', pending) == 0 then
      redis.call('DEL', qkey(queue, 'wake'))
      if redis.call('ZCARD', qkey(queue, 'delayed')) == 0 then
        redis.call('HDEL', P .. 'ready', queue)
      end
    elseif blocked then
      redis.call('DEL', qkey(queue, 'wake'))
    else
      wake(queue)
    end
  end
end
return {throttled and fmt(throttled) or '', next_due and fmt(next_due) or '', claimed}
