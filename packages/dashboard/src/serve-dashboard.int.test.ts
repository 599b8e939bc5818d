import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import { createInProcessTaskBus, type InProcessTaskBus } from '@codegod/bus';
import { createRedisMemoryStore, memoryRedisKeys, type RedisMemoryStore } from '@codegod/memory';
import { richAgentMemory } from '@codegod/memory/testing';
import type { Result, RunEvent } from '@codegod/protocol';
import { type RedisServer, startRedisServer, waitFor } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from './dashboard-handler.js';
import type { AgentView, RunView, TaskView } from './dashboard-views.js';
import { type DashboardServer, serveDashboard } from './serve-dashboard.js';

const RESULT: Result = {
  success: true,
  output: 'done',
  reasoning: null,
  actions_taken: [{ step: 1, action: 'write_file', success: true, output: 'wrote app.py' }],
  validation: { valid: true, output: 'import flask\n-> exit 0', checks: [] },
};

/** The body of an answer, typed as the view the server sends. */
async function json<T>(answer: Response | Promise<Response>): Promise<T> {
  return (await (await answer).json()) as T;
}

/** The CSRF token the page carries, read as a browser would from the served HTML. */
async function pageToken(url: string): Promise<string> {
  const html = await (await fetch(url)).text();
  const token = /name="csrf-token" content="([^"]+)"/.exec(html)?.[1];
  expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  return token as string;
}

// The dashboard over a real in-process bus running a real two-task run, and the Redis memory
// store on a throwaway redis-server: what it shows, how it refuses, and what its wipe changes.
describe('serveDashboard', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let bus: InProcessTaskBus;
  let memory: RedisMemoryStore;
  let dashboard: DashboardServer;
  const agentId = `backend-${randomUUID().slice(0, 8)}`;
  const runId = `run-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.url);
    memory = createRedisMemoryStore({ redis: redisServer.url });
    bus = createInProcessTaskBus();
    dashboard = await serveDashboard({
      sources: { bus, memory, tokenUsage: async () => ({ total: 42, by_role: { backend: 42 } }) },
      env: { DASHBOARD_PORT: '0' },
    });
  });

  afterAll(async () => {
    await dashboard?.close();
    await bus?.close();
    await memory?.close();
    redis?.disconnect();
    await redisServer?.stop();
  });

  it('listens on 127.0.0.1 by default', () => {
    expect(dashboard.address.address).toBe('127.0.0.1');
    expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.address.port}/`);
  });

  it('streams the run live and shows its DAG by waves and a task by steps', async () => {
    const stream = new AbortController();
    const listen = async (path: string) => {
      const types: RunEvent['type'][] = [];
      const response = await fetch(`${dashboard.url}${path}`, { signal: stream.signal });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reading = (async () => {
        const decoder = new TextDecoder();
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          for (const match of decoder.decode(chunk).matchAll(/^data: (.*)$/gm))
            types.push((JSON.parse(match[1] as string) as { type: RunEvent['type'] }).type);
        }
      })().catch(() => {});
      return { types, reading };
    };
    // The page-wide stream carries no steps; a run's stream carries its steps only.
    const { types: seen, reading } = await listen('api/events');
    const { types: steps, reading: readingSteps } = await listen(`api/events?run=${runId}`);

    await bus.work('backend', async (job, context) => {
      await bus.appendEvent({
        type: 'task-step',
        run_id: job.runId,
        task_id: job.task.id,
        role: 'backend',
        ts: Date.now(),
        agent_id: context.agentId,
        iteration: 1,
        phase: 'validate',
        data: RESULT.validation,
      });
      return RESULT;
    });
    await bus.startRun({
      runId,
      problem: 'Flask not found',
      graph: {
        tasks: [
          { id: 'setup', description: 'make a venv', role: 'backend', depends_on: [] },
          { id: 'api', description: 'add /api', role: 'backend', depends_on: ['setup'] },
        ],
      },
    });
    await bus.waitForRun(runId);
    await waitFor(
      'both task-end events on the stream',
      () => seen.filter((type) => type === 'task-end').length === 2,
    );
    await waitFor("both steps on the run's stream", () => steps.length === 2);
    stream.abort();
    await reading;
    await readingSteps;
    expect(seen).toContain('task-start');
    expect(seen).not.toContain('task-step');
    expect(steps).toEqual(['task-step', 'task-step']);

    const run = await json<RunView>(fetch(`${dashboard.url}api/runs/${runId}`));
    expect(run.state).toBe('succeeded');
    expect(run.wave_count).toBe(2);
    expect(run.tokens).toEqual({ total: 42, by_role: { backend: 42 } });
    expect(run.tasks.map((t) => [t.id, t.wave])).toEqual([
      ['setup', 0],
      ['api', 1],
    ]);
    const task = await json<TaskView>(fetch(`${dashboard.url}api/runs/${runId}/tasks/api`));
    expect(task.attempts).toHaveLength(1);
    expect(JSON.stringify(task.attempts[0]?.iterations[0]?.steps.validate)).toContain(
      'import flask',
    );
    expect(task.attempts[0]?.end).toMatchObject({ success: true, output: 'done' });
    expect((await fetch(`${dashboard.url}api/runs/nosuch`)).status).toBe(404);
  });

  it('wipes an agent memory in Redis with the page token, and refuses without it', async () => {
    await memory.save(agentId, { ...richAgentMemory(), agent_role: 'backend' });
    const key = memoryRedisKeys.memory(agentId);
    const before = await redis.hget(key, 'completed_tasks');
    expect(JSON.parse(before as string).length).toBeGreaterThan(0);
    const wipeUrl = `${dashboard.url}api/agents/${agentId}/wipe`;

    const refused = await fetch(wipeUrl, { method: 'POST' });
    expect(refused.status).toBe(403);
    const forged = await fetch(wipeUrl, { method: 'POST', headers: { [CSRF_HEADER]: 'guess' } });
    expect(forged.status).toBe(403);
    expect(await redis.hget(key, 'completed_tasks')).toBe(before);

    const token = await pageToken(dashboard.url);
    const wiped = await fetch(wipeUrl, { method: 'POST', headers: { [CSRF_HEADER]: token } });
    expect(wiped.status).toBe(200);
    expect(JSON.parse((await redis.hget(key, 'completed_tasks')) as string)).toEqual([]);
    expect(JSON.parse((await redis.hget(key, 'knowledge')) as string)).toEqual(
      richAgentMemory().knowledge,
    );

    const agents = await json<{ agents: AgentView[] }>(fetch(`${dashboard.url}api/agents`));
    const shown = agents.agents.find((a) => a.agent_id === agentId);
    expect(shown?.memory?.completed_tasks).toEqual([]);
    const unknown = await fetch(`${dashboard.url}api/agents/nosuch/wipe`, {
      method: 'POST',
      headers: { [CSRF_HEADER]: token },
    });
    expect(unknown.status).toBe(404);
  });

  it('checkpoints and restores through POSTs', async () => {
    const token = await pageToken(dashboard.url);
    const post = (path: string, body: unknown = {}) =>
      fetch(`${dashboard.url}api/agents/${agentId}/${path}`, {
        method: 'POST',
        headers: { [CSRF_HEADER]: token, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await memory.save(agentId, { ...richAgentMemory(), agent_role: 'backend' });
    const saved = await json<{ checkpoint_id: string }>(post('checkpoint'));
    await memory.wipe(agentId);
    expect((await post('restore', { checkpoint_id: 'not-a-uuid' })).status).toBe(400);
    expect((await post('restore', { checkpoint_id: saved.checkpoint_id })).status).toBe(200);
    expect((await memory.load(agentId))?.completed_tasks).toEqual(
      richAgentMemory().completed_tasks,
    );
  });

  it('refuses requests addressed to another host name when there is no login', async () => {
    // fetch() will not send another Host header; node:http will, as a rebound name would.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = get(dashboard.url, { headers: { host: 'attacker.example:80' } }, (answer) => {
        answer.resume();
        resolve(answer.statusCode);
      });
      request.on('error', reject);
    });
    expect(status).toBe(421);
  });

  it('answers 401 without the credentials it requires, and the page with them', async () => {
    const guarded = await serveDashboard({
      sources: { bus, memory },
      env: { DASHBOARD_PORT: '0', DASHBOARD_USER: 'ops', DASHBOARD_PASSWORD: 's3cret' },
    });
    try {
      const anonymous = await fetch(guarded.url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
      const wrong = await fetch(guarded.url, {
        headers: { authorization: `Basic ${Buffer.from('ops:nope').toString('base64')}` },
      });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${guarded.url}api/overview`, {
        headers: { authorization: `Basic ${Buffer.from('ops:s3cret').toString('base64')}` },
      });
      expect(right.status).toBe(200);
      expect((await fetch(`${guarded.url}health`)).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
