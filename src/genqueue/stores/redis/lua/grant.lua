-- grant: add (or with a negative amount take) credits; a balance never goes below 0.
-- KEYS[1] the credits hash
-- ARGV[1..4] common (see _lib.lua)
-- ARGV[5] owner  ARGV[6] amount  ARGV[7] note ('' for none)
-- Returns the new balance.
local owner, amount = ARGV[5], tonumber(ARGV[6])
local note = ARGV[7] ~= '' and ARGV[7] or nil
local balance = account(owner)
local new_balance = math.max(balance + amount, 0)
redis.call('HSET', KEYS[1], owner, new_balance)
ledger(owner, 'grant', new_balance - balance, new_balance, nil, note)
return new_balance
