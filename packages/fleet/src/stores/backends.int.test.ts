import { randomUUID } from 'node:crypto';
import { RunExistsError } from '@codegod/bus';
import { type RedisServer, startRedisServer } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedRunReport } from '../services/failed-run-report.js';
import { type FleetBackend, memoryBackend, redisBackend } from './backends.js';

/** Writes through every store of `writer` and reads each back through `reader`. */
async function shareEverything(writer: FleetBackend, reader: FleetBackend) {
  const runId = `run-${randomUUID()}`;
  await writer.workspaces.set(runId, `/work/${runId}`);
  // A run keeps its first workspace: the same again is fine, another is refused, everywhere.
  await writer.workspaces.set(runId, `/work/${runId}`);
  await expect(reader.workspaces.set(runId, '/elsewhere')).rejects.toBeInstanceOf(RunExistsError);
  await expect(writer.workspaces.set(runId, '/elsewhere')).rejects.toBeInstanceOf(RunExistsError);
  await writer.tokens.record(
    { promptTokens: 8, completionTokens: 2, totalTokens: 10 },
    { runId, role: 'backend' },
  );
  const report = failedRunReport(
    {
      run_id: runId,
      problem: 'p',
      workspace: `/work/${runId}`,
      plan: null,
      limits: null,
      run_checks: [],
      submitted_at: Date.now(),
    },
    new Error('no graph'),
  );
  await writer.reports.save(report);
  await writer.bus.startRun({
    runId,
    problem: 'p',
    graph: { tasks: [{ id: 't1', description: 'd', role: 'backend', depends_on: [] }] },
  });
  expect(await reader.workspaces.get(runId)).toBe(`/work/${runId}`);
  expect(await reader.tokens.usage(runId)).toEqual({ total: 10, by_role: { backend: 10 } });
  expect(await reader.reports.load(runId)).toEqual(report);
  expect((await reader.bus.getRun(runId))?.tasks.map((t) => t.task.id)).toEqual(['t1']);
  await reader.bus.cancelRun(runId, 'test over');
}

describe('backends', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('memoryBackend: every store, in this process', async () => {
    const backend = memoryBackend({ bus: { attempts: 1, backoffMs: 0 } });
    try {
      await shareEverything(backend, backend);
    } finally {
      await backend.close();
    }
  });

  it('redisBackend: what one process writes, another process of the fleet reads', async () => {
    const master = await redisBackend(server.url, { scheduler: true });
    const cli = await redisBackend(server.url, { maxRetriesPerRequest: 1 });
    try {
      await shareEverything(master, cli);
    } finally {
      await cli.close();
      await master.close();
    }
    // close() closed the connection it opened.
    await expect(master.redis.ping()).rejects.toThrow(/closed/i);
  });
});
