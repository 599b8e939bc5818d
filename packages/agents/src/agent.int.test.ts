import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLlmClient } from '@codegod/llm';
import {
  type ScriptedLlmServer,
  type ScriptedRule,
  startScriptedLlmServer,
} from '@codegod/llm/testing';
import {
  createInMemoryMemoryStore,
  createRedisMemoryStore,
  type MemoryStore,
} from '@codegod/memory';
import { emptyAgentMemory, type RunEvent, type Task } from '@codegod/protocol';
import { type RedisServer, startRedisServer, tempDir } from '@codegod/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import type { AgentLimitsInput } from './agent-limits.js';
import { createFileToolkit } from './testing/index.js';

// The agent loop against the real LLM adapter over HTTP, answered by the scripted server.

const reasoning = {
  problem_analysis: 'greeting.txt must say hello',
  root_causes: ['the file is missing'],
  approach: 'write the file',
  risks: [],
  success_criteria: ['greeting.txt contains hello'],
  conclusion: 'write greeting.txt',
};
// The one reply of an iteration: the Reasoning fields, then the plan.
const planWith = (action: string, args: Record<string, unknown>) => ({
  ...reasoning,
  steps: [
    {
      action,
      target: 'greeting.txt',
      method: action,
      expected: 'ok',
      args: args,
    },
  ],
  estimated_duration: '1 minute',
  confidence: 0.8,
});
const writeGreeting = (content: string) =>
  planWith('write_file', { path: 'greeting.txt', content });
// Reading a file that never exists fails the same way every time: the stuck detector's rule (a).
const readMissing = planWith('read_file', { path: 'missing.txt' });
const STUCK_NOTE = 'Earlier attempts were stopped as stuck';

let server: ScriptedLlmServer;
let redisServer: RedisServer;
beforeAll(async () => {
  server = await startScriptedLlmServer();
  redisServer = await startRedisServer();
});
afterAll(async () => {
  await server.close();
  await redisServer.stop();
});

describe.each(['in-memory', 'redis'] as const)(
  'agent loop with the scripted LLM (%s memory)',
  (kind) => {
    let workspace: { path: string; remove: () => Promise<void> };
    let memory: MemoryStore & { close?: () => Promise<void> };
    let agentId: string;
    let task: Task;
    beforeEach(async () => {
      workspace = await tempDir('codegod-agent-int-');
      memory =
        kind === 'redis'
          ? createRedisMemoryStore({ redis: redisServer.url })
          : createInMemoryMemoryStore();
      agentId = `backend-${randomUUID()}`;
      task = {
        id: `greet-${randomUUID().slice(0, 8)}`,
        description: 'Write hello into greeting.txt',
        role: 'backend',
        depends_on: [],
      };
      server.resetStats();
    });
    afterEach(async () => {
      await memory.close?.();
      await workspace.remove();
    });

    async function runWith(rules: ScriptedRule[], limits: AgentLimitsInput = {}) {
      server.setRules(rules);
      // Core knowledge that every wipe must keep.
      await memory.save(agentId, {
        ...emptyAgentMemory('backend'),
        knowledge: { greeting: 'hello' },
      });
      const events: RunEvent[] = [];
      const agent = createAgent({
        agentId,
        toolkit: createFileToolkit({ path: 'greeting.txt', content: 'hello' }),
        llm: createLlmClient({
          baseURL: server.url,
          model: 'scripted-model',
          apiKey: 'test',
          env: {},
        }),
        memory,
        recordStep: (event) => {
          events.push(event);
        },
        limits,
      });
      const result = await agent.run(task, {
        runId: `run-${randomUUID()}`,
        workspace: workspace.path,
      });
      const steps = events.map((e) =>
        e.type === 'task-step' ? `${e.iteration}:${e.phase}` : `${e.type}`,
      );
      return { result, events, steps, saved: await memory.load(agentId) };
    }
    const iteration = (n: number) =>
      ['observe', 'reason', 'plan', 'act', 'validate'].map((p) => `${n}:${p}`);

    it('succeeds the first time', async () => {
      const { result, steps, saved } = await runWith([
        { match: { phase: 'plan' }, reply: writeGreeting('hello') },
      ]);
      expect(result).toMatchObject({ success: true, reasoning, validation: { valid: true } });
      expect(steps).toEqual(iteration(1));
      expect(await readFile(join(workspace.path, 'greeting.txt'), 'utf8')).toBe('hello');
      expect(saved).toStrictEqual({
        agent_role: 'backend',
        current_task: null,
        completed_tasks: [task.id],
        knowledge: { greeting: 'hello' },
        observations: [{ files: {}, findings: ['the workspace is empty'] }],
        reasoning_history: [reasoning],
        blocked_on: null,
      });
      // One call per iteration, recorded as the Reason and Plan steps.
      expect(server.requests.map((r) => [r.role, r.phase, r.schemaName])).toEqual([
        ['backend', 'plan', 'plan'],
      ]);
    });

    it('succeeds on the second iteration after reasoning with the validation failure', async () => {
      const { result, steps, saved } = await runWith([
        { match: { phase: 'plan' }, reply: writeGreeting('helo'), times: 1 },
        {
          match: { phase: 'plan', contains: 'expected "hello"' },
          reply: writeGreeting('hello'),
        },
      ]);
      expect(result.success).toBe(true);
      expect(result.output).toMatch(/^validated after 2 iteration\(s\)/);
      expect(steps).toEqual([...iteration(1), ...iteration(2)]);
      expect(result.actions_taken.map((a) => [a.step, a.action, a.success])).toEqual([
        [1, 'write_file', true],
        [2, 'write_file', true],
      ]);
      expect(saved?.completed_tasks).toEqual([task.id]);
      expect(saved?.observations).toHaveLength(2);
      expect(saved?.reasoning_history).toHaveLength(2);
      // The second call saw the first iteration's failure.
      const calls = server.requests.filter((r) => r.phase === 'plan');
      expect(calls).toHaveLength(2);
      expect(calls[1]!.messages.at(-1)!.content).toContain('Failures so far');
    });

    it('wipes memory when stuck, retries with a note, then succeeds', async () => {
      const { result, steps, events, saved } = await runWith([
        // Only a prompt that carries the stuck note gets the right plan.
        { match: { phase: 'plan', contains: STUCK_NOTE }, reply: writeGreeting('hello') },
        { match: { phase: 'plan' }, reply: readMissing },
      ]);
      expect(result.success).toBe(true);
      expect(result.output).toMatch(/^validated after 4 iteration\(s\) and 1 wipe\(s\)/);
      expect(steps).toEqual([
        ...iteration(1),
        ...iteration(2),
        ...iteration(3),
        'agent-wipe',
        ...iteration(4),
      ]);
      const wipe = events.find((e) => e.type === 'agent-wipe');
      expect(wipe?.type === 'agent-wipe' && wipe.reason).toContain(
        'the same action failed the same way 3 times: read_file {"path":"missing.txt"} -> file-not-found',
      );
      // Memory holds only what happened after the wipe, plus the knowledge that survives it.
      expect(saved).toStrictEqual({
        agent_role: 'backend',
        current_task: null,
        completed_tasks: [task.id],
        knowledge: { greeting: 'hello' },
        observations: [{ files: {}, findings: ['the workspace is empty'] }],
        reasoning_history: [reasoning],
        blocked_on: null,
      });
      const plans = server.requests.filter((r) => r.phase === 'plan');
      expect(plans.map((r) => r.messages.at(-1)!.content.includes(STUCK_NOTE))).toEqual([
        false,
        false,
        false,
        true,
      ]);
    });

    it('ends with "stuck after wipes" when every attempt loops', async () => {
      const { result, steps, saved } = await runWith([
        { match: { phase: 'plan' }, reply: readMissing },
      ]);
      expect(result.success).toBe(false);
      expect(result.output).toMatch(
        /^stuck after wipes: the same action failed the same way 3 times/,
      );
      expect(result.output).toContain('memory wiped 2 time(s)');
      expect(steps.filter((s) => s === 'agent-wipe')).toHaveLength(2);
      expect(steps.filter((s) => s.endsWith(':validate'))).toHaveLength(9);
      expect(steps.at(-1)).toBe('9:validate');
      expect(result.actions_taken).toHaveLength(9);
      expect(result.actions_taken.every((a) => !a.success)).toBe(true);
      expect(saved).toMatchObject({
        current_task: task,
        completed_tasks: [],
        knowledge: { greeting: 'hello' },
        blocked_on: result.output,
      });
      // Only the last attempt's three iterations remain after two wipes.
      expect(saved?.observations).toHaveLength(3);
      expect(saved?.reasoning_history).toHaveLength(3);
    });
  },
);
