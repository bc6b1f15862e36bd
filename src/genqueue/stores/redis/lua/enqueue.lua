-- enqueue: store a new job, charge its cost and index it, or return the job an
-- idempotency key already names. One step, so a charge never exists without its job.
-- KEYS[1] the new job's hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] id  ARGV[6] queue  ARGV[7] type  ARGV[8] owner  ARGV[9] state (pending|delayed)
-- ARGV[10] priority  ARGV[11] run_at  ARGV[12] data (JSON)  ARGV[13] tags (JSON)
-- ARGV[14] max_attempts  ARGV[15] cost  ARGV[16] idempotency key ('' for none)
-- ARGV[17] request hash  ARGV[18] created_at  ARGV[19..] tag name, value, ...
-- Returns {OK} | {DUPLICATE, job fields} | {IDEMPOTENCY_CONFLICT, job id}
--       | {INSUFFICIENT_CREDITS, balance}
local id, queue, owner, state = ARGV[5], ARGV[6], ARGV[8], ARGV[9]
local key, request_hash = ARGV[16], ARGV[17]
local cost = tonumber(ARGV[15])
if redis.call('EXISTS', KEYS[1]) == 1 then
  -- a retried call whose first try got through
  return {DUPLICATE, whole(id)}
end
local field
if key ~= '' then
  field = idem_field(owner, key)
  local earlier = redis.call('HGET', P .. 'idempotency', field)
  if earlier then
    if redis.call('HGET', job_key(earlier), 'request_hash') ~= request_hash then
      return {IDEMPOTENCY_CONFLICT, earlier}
    end
    return {DUPLICATE, whole(earlier)}
  end
end
if cost > 0 then
  local charged, balance = charge({id = id, queue = queue, type = ARGV[7], owner = owner}, cost)
  if not charged then
    return {INSUFFICIENT_CREDITS, balance}
  end
end
local seq = next_order()
redis.call('HSET', KEYS[1], 'id', id, 'queue', queue, 'type', ARGV[7], 'owner', owner,
  'state', state, 'priority', ARGV[10], 'run_at', ARGV[11], 'data', ARGV[12], 'tags', ARGV[13],
  'max_attempts', ARGV[14], 'cost', cost, 'charged', cost, 'created_at', ARGV[18],
  'seq', seq, 'order', seq, 'attempts_made', 0, 'stalled_count', 0)
if field then
  redis.call('HSET', KEYS[1], 'idempotency_key', key, 'request_hash', request_hash)
  redis.call('HSET', P .. 'idempotency', field, id)
end
redis.call('HSETNX', P .. 'queues', queue, '0')
if state == 'pending' then
  to_pending(queue, id, ARGV[10], seq, ARGV[11])
  wake(queue)
else
  to_delayed(queue, id, ARGV[11])
  nudge(queue)
end
redis.call('ZADD', P .. 'all', seq, id)
redis.call('ZADD', qkey(queue, 'all'), seq, id)
redis.call('ZADD', owner_key(owner), seq, id)
for i = 19, #ARGV, 2 do
  redis.call('ZADD', tag_key(ARGV[i], ARGV[i + 1]), seq, id)
end
emit('created', {id = id, queue = queue, type = ARGV[7], owner = owner})
return {OK}
