import type { Redis } from 'ioredis';

// Streams hold plain events (readable in Redis Commander); the channel carries BusMessages.
// Each script checks and writes in one step, so concurrent workers (in any process) cannot
// both record a task, and nothing is recorded for a run that already ended.

/**
 * KEYS: run, tasks, results, events, metrics.
 * ARGV: taskId, generation, result JSON, record tail, counter, channel, event head, proof
 * counter ('' for none). The result is sent once and spliced into the record
 * (`{"result":` result tail), the event (head result `}`) and the bus message: it is the
 * largest part of a task end, and the worker's cost of a command grows with its bytes.
 */
const RECORD_RESULT = `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
local generation = redis.call('HGET', KEYS[2], ARGV[1] .. '#gen') or '0'
if generation ~= ARGV[2] then return 0 end
local record = '{"result":' .. ARGV[3] .. ARGV[4]
if redis.call('HSETNX', KEYS[3], ARGV[1] .. '#' .. ARGV[2], record) == 0 then return 0 end
local event = ARGV[7] .. ARGV[3] .. '}'
redis.call('XADD', KEYS[4], '*', 'e', event)
redis.call('HINCRBY', KEYS[5], ARGV[5], 1)
if ARGV[8] ~= nil and ARGV[8] ~= '' then redis.call('HINCRBY', KEYS[5], ARGV[8], 1) end
redis.call('PUBLISH', ARGV[6], '{"event":' .. event .. ',"generation":' .. ARGV[2] .. '}')
return 1
`;

/** KEYS: run, tasks, results, events. ARGV: taskId, generation, start record, channel, event. */
const START_TASK = `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
local generation = redis.call('HGET', KEYS[2], ARGV[1] .. '#gen') or '0'
if generation ~= ARGV[2] then return 0 end
if redis.call('HEXISTS', KEYS[3], ARGV[1] .. '#' .. ARGV[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1] .. '#start', ARGV[3])
redis.call('XADD', KEYS[4], '*', 'e', ARGV[5])
redis.call('PUBLISH', ARGV[4], '{"event":' .. ARGV[5] .. '}')
return 1
`;

/** KEYS: run, events. ARGV: state, reason, endedAt, channel, event. */
const END_RUN = `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'reason', ARGV[2], 'ended_at', ARGV[3])
redis.call('XADD', KEYS[2], '*', 'e', ARGV[5])
redis.call('PUBLISH', ARGV[4], '{"event":' .. ARGV[5] .. '}')
return 1
`;

/**
 * KEYS: events, tasks. ARGV: channel, marker count, (field, value)..., (publish, event)...
 * An event is published as a BusMessage when its publish flag is '1' (a step event is not:
 * the stream only). Each event is sent once and wrapped here.
 */
const APPEND_EVENTS = `
local i = 3
for _ = 1, tonumber(ARGV[2]) do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i < #ARGV do
  redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 1])
  if ARGV[i] == '1' then redis.call('PUBLISH', ARGV[1], '{"event":' .. ARGV[i + 1] .. '}') end
  i = i + 2
end
return 1
`;

/** The scripts, callable on a connection after `defineBusScripts`. */
export interface BusScripts {
  recordResult(...args: [string, string, string, string, string, ...string[]]): Promise<number>;
  startTask(...args: [string, string, string, string, ...string[]]): Promise<number>;
  endRun(...args: [string, string, ...string[]]): Promise<number>;
  appendEvents(...args: [string, string, ...string[]]): Promise<number>;
}

/**
 * Loads the scripts into Redis's script cache. Otherwise the first call of each script fails
 * over from EVALSHA to EVAL, which resends it after later commands on the same connection
 * and so could reorder a batch of events behind the jobs enqueued after it.
 */
export async function preloadBusScripts(redis: Redis): Promise<void> {
  await Promise.all(
    [RECORD_RESULT, START_TASK, END_RUN, APPEND_EVENTS].map((lua) => redis.script('LOAD', lua)),
  );
}

/** Registers the bus's Lua scripts on `redis` (ioredis caches them by SHA). */
export function defineBusScripts(redis: Redis): BusScripts {
  redis.defineCommand('recordResult', { numberOfKeys: 5, lua: RECORD_RESULT });
  redis.defineCommand('startTask', { numberOfKeys: 4, lua: START_TASK });
  redis.defineCommand('endRun', { numberOfKeys: 2, lua: END_RUN });
  redis.defineCommand('appendEvents', { numberOfKeys: 2, lua: APPEND_EVENTS });
  return redis as unknown as BusScripts;
}
