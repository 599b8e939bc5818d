import { networkInterfaces } from 'node:os';
import { freePort, type RedisServer, startRedisServer } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENTRIES,
  FAST_FLEET_ENV,
  type FleetProcess,
  killHard,
  spawnService,
} from './local-fleet.js';
import { recordFault } from './reliability-summary.js';

// The master service's Bull Board, and the dashboard next to it, as the built process serves
// them: loopback by default, a login wherever exposed, read-only (the board) unless told otherwise.

const external = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;

describe('Bull Board on the master service', () => {
  let redis: RedisServer;
  const started: FleetProcess[] = [];
  const master = async (env: Record<string, string>) => {
    const port = String(await freePort());
    const proc = spawnService(
      'master',
      ENTRIES.master,
      {
        ...FAST_FLEET_ENV,
        REDIS_URL: redis.url,
        VLLM_API_URL: `http://127.0.0.1:${await freePort()}/v1`,
        BULL_BOARD_PORT: port,
        ...env,
      },
      'master ready',
    );
    started.push(proc);
    return { proc, port: Number(port) };
  };
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(started.map(killHard));
    await redis?.stop();
  });

  it('listens on 127.0.0.1 only, and logs that address', { timeout: 60_000 }, async () => {
    const { proc, port } = await master({});
    await proc.ready;
    expect(proc.output()).toMatch(new RegExp(`"url":"http://127\\.0\\.0\\.1:${port}/queues"`));
    expect(proc.output()).toMatch(/"login":false,"readOnly":true/);
    expect((await fetch(`http://127.0.0.1:${port}/queues/api/queues`)).status).toBe(200);
    if (external) {
      const refused = await fetch(`http://${external}:${port}/health`).catch(() => 'refused');
      expect(refused).toBe('refused');
    }
    const pause = await fetch(`http://127.0.0.1:${port}/queues/api/queues/tasks-backend/pause`, {
      method: 'PUT',
    });
    expect(pause.status).toBe(405);
    // The dashboard next to it: same address, its own CSRF rule instead of the read-only one.
    expect(proc.output()).toMatch(new RegExp(`"url":"http://127\\.0\\.0\\.1:${port}/dashboard/"`));
    const bare = await fetch(`http://127.0.0.1:${port}/dashboard`, { redirect: 'manual' });
    expect(bare.headers.get('location')).toBe('/dashboard/');
    const page = await fetch(`http://127.0.0.1:${port}/dashboard/`);
    expect(await page.text()).toContain('name="csrf-token"');
    const overview = await fetch(`http://127.0.0.1:${port}/dashboard/api/overview`);
    expect(overview.status).toBe(200);
    const wipe = await fetch(`http://127.0.0.1:${port}/dashboard/api/agents/backend-1/wipe`, {
      method: 'POST',
    });
    expect(wipe.status).toBe(403);
  });

  it('refuses to expose the board without a login: exit 1, one line', {
    timeout: 60_000,
  }, async () => {
    const { proc } = await master({ BULL_BOARD_HOST: '0.0.0.0' });
    const code = await proc.exited;
    // stdout carries the JSON log; stderr the one line for people.
    const lines = proc
      .output()
      .trim()
      .split('\n')
      .filter((line) => line && !line.startsWith('{'));
    recordFault({
      fault: 'master started with BULL_BOARD_HOST=0.0.0.0 and no login',
      behaviour: `exit ${code} before serving anything`,
      bound: 'resolveBullBoardSettings at start',
      outcome: lines.join(' / ').slice(0, 140),
    });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^master-orchestrator: .*BULL_BOARD_HOST.*BULL_BOARD_USER and BULL_BOARD_PASSWORD/,
    );
  });

  it('exposed with a login: 401 without it', { timeout: 60_000 }, async () => {
    const { proc, port } = await master({
      BULL_BOARD_HOST: '0.0.0.0',
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'pw-board',
    });
    await proc.ready;
    const api = `http://127.0.0.1:${port}/queues/api/queues`;
    expect((await fetch(api)).status).toBe(401);
    const login = { authorization: `Basic ${Buffer.from('ops:pw-board').toString('base64')}` };
    expect((await fetch(api, { headers: login })).status).toBe(200);
    const dashboard = `http://127.0.0.1:${port}/dashboard/api/overview`;
    expect((await fetch(dashboard)).status).toBe(401);
    expect((await fetch(dashboard, { headers: login })).status).toBe(200);
    expect(proc.output()).not.toContain('pw-board');
  });
});
