import { randomUUID } from 'node:crypto';
import type { RoleToolkit } from '@codegod/actions';
import type { LlmClient } from '@codegod/llm';
import { createRedisMemoryStore, RedisRunFactStore } from '@codegod/memory';
import { emptyAgentMemory, redisKeys, type Task } from '@codegod/protocol';
import { type RedisServer, startRedisServer, tempDir } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import { createFileToolkit, planReply } from './testing/index.js';

// Issue 15: an agent step (one Observe, Reason+Plan, Act, Validate) reads the agent's memory
// once and writes it once, against a real Redis, counted command by command.

let redisServer: RedisServer;
let workspace: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  redisServer = await startRedisServer();
  workspace = await tempDir('codegod-memory-round-trips-');
});
afterAll(async () => {
  await redisServer.stop();
  await workspace.remove();
});

/**
 * An ioredis client that records each command it sends (name and first key), and in `log`
 * each command sent and answered, in the order it happened.
 */
function countingClient(url: string) {
  const client = new Redis(url);
  const sent: { name: string; key: string }[] = [];
  const log: string[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command, stream) => {
    const [key] = command.args;
    const name = command.name.toLowerCase();
    sent.push({ name, key: String(key ?? '') });
    log.push(`sent ${name}`);
    void command.promise.then(
      () => log.push(`answered ${name}`),
      () => undefined,
    );
    return send(command, stream);
  }) as typeof client.sendCommand;
  return { client, sent, log };
}

/** Plans that write `content` into out.txt, one reply per iteration, in order. */
function scriptedLlm(contents: string[]): LlmClient {
  let call = 0;
  return {
    async generate(schema) {
      const content = contents[Math.min(call++, contents.length - 1)];
      const reply = planReply([{ action: 'write_file', args: { path: 'out.txt', content } }]);
      return {
        value: schema.parse(reply),
        usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
        attempts: 1,
      };
    },
    async health() {
      return { ok: true, models: [], message: 'scripted' };
    },
  };
}

/** The file toolkit, whose observer also states a fact, so the run's fact store is used. */
function toolkitWithFact(): RoleToolkit {
  const base = createFileToolkit({ path: 'out.txt', content: 'done' });
  return {
    ...base,
    async observe(task, context) {
      return { ...(await base.observe(task, context)), python_version: '3.11.2' };
    },
  };
}

describe('agent memory round trips per step (real Redis)', () => {
  it.each([1, 3])('%i iteration(s): one memory load and one save each', async (iterations) => {
    const { client, sent, log } = countingClient(redisServer.url);
    try {
      const agentId = `backend-${randomUUID()}`;
      const memory = createRedisMemoryStore({ redis: client });
      await memory.save(agentId, { ...emptyAgentMemory('backend'), knowledge: { os: 'linux' } });
      const agent = createAgent({
        agentId,
        toolkit: toolkitWithFact(),
        llm: scriptedLlm([...Array(iterations - 1).fill('not yet'), 'done']),
        memory,
        facts: new RedisRunFactStore(client),
      });
      const task: Task = {
        id: `t-${iterations}`,
        description: 'write out.txt',
        role: 'backend',
        depends_on: [],
      };
      const runId = `run-${randomUUID()}`;
      sent.length = 0;
      log.length = 0;

      const result = await agent.run(task, { runId, workspace: workspace.path });

      expect(result.success).toBe(true);
      expect(result.output).toMatch(new RegExp(`^validated after ${iterations} iteration`));
      const memoryKey = `codegod:memory:${agentId}`;
      const onMemory = sent.filter((c) => c.key === memoryKey).map((c) => c.name);
      // A save is one transaction: MULTI, DEL, HSET, SADD, EXEC.
      expect(onMemory.filter((name) => name === 'hgetall')).toHaveLength(iterations);
      expect(onMemory.filter((name) => name === 'del')).toHaveLength(iterations);
      expect(onMemory.filter((name) => name === 'hset')).toHaveLength(iterations);
      expect(sent.filter((c) => c.name === 'exec')).toHaveLength(iterations);
      expect(onMemory).toHaveLength(3 * iterations);
      // The run's facts: one read per iteration, sent beside the memory load (it gives the
      // prompt its list). Only the first iteration's new fact is recorded: the store's own
      // read and compare, then the write; the fact stated again later is already listed.
      const onFacts = sent.filter((c) => c.key === redisKeys.runFacts(runId)).map((c) => c.name);
      expect(onFacts).toEqual([
        'hvals',
        'hgetall',
        'hset',
        ...Array.from({ length: iterations - 1 }, () => 'hvals'),
      ]);
      // The first iteration's facts read went out before its memory load was answered.
      expect(log.indexOf('sent hvals')).toBeGreaterThanOrEqual(0);
      expect(log.indexOf('sent hvals')).toBeLessThan(log.indexOf('answered hgetall'));
      // What was saved is the task's end state, with what each step learned.
      const saved = await memory.load(agentId);
      expect(saved).toMatchObject({
        current_task: null,
        completed_tasks: [task.id],
        blocked_on: null,
        knowledge: { os: 'linux' },
      });
      expect(saved?.observations).toHaveLength(iterations);
      expect(saved?.reasoning_history).toHaveLength(iterations);
    } finally {
      client.disconnect();
    }
  });
});
