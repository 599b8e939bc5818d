// Lua scripts of RedisMemoryStore. Each runs atomically, so a checkpoint never copies half a
// save and a wipe never races a save into a mixed memory. They build checkpoint keys from
// ARGV, which standalone Redis allows (Redis Cluster would not; codegod runs one Redis).

/** KEYS: memory, checkpoint, index. ARGV: id, ttl ms, now ms. Returns 0 when there is no memory. */
export const CHECKPOINT_SCRIPT = `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return 0 end
local ttl = tonumber(ARGV[2])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('PEXPIRE', KEYS[2], ttl)
local score = tonumber(ARGV[3])
local top = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
if #top == 2 and tonumber(top[2]) >= score then score = tonumber(top[2]) + 1 end
redis.call('ZADD', KEYS[3], score, ARGV[1])
if redis.call('PTTL', KEYS[3]) < ttl then redis.call('PEXPIRE', KEYS[3], ttl) end
return 1
`;

/** KEYS: index. ARGV: checkpoint key prefix. Returns live ids oldest first; drops expired ones. */
export const LIST_CHECKPOINTS_SCRIPT = `
local live = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('EXISTS', ARGV[1] .. id) == 1 then
    table.insert(live, id)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return live
`;

/** KEYS: memory. ARGV: field, value, field, value… Returns 0 when there is no memory. */
export const WIPE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;
