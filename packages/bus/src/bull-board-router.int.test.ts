import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ConfigError, KEY_PREFIX, queueName } from '@codegod/protocol';
import { type RedisServer, startRedisServer } from '@codegod/testkit';
import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BullBoardServer,
  createBullBoardRouter,
  serveBullBoard,
} from './bull-board-router.js';

/** A non-loopback IPv4 address of this machine, to show who else could connect. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;

/** Resolves true when a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('Bull Board', () => {
  let redis: RedisServer;
  let queue: Queue;
  const servers: BullBoardServer[] = [];
  const serve = async (env: Record<string, string>, extra: { readOnly?: boolean } = {}) => {
    const server = await serveBullBoard({ redisUrl: redis.url, port: 0, env, ...extra });
    servers.push(server);
    return server;
  };
  beforeAll(async () => {
    redis = await startRedisServer();
    queue = new Queue(queueName('backend'), {
      connection: { url: redis.url },
      prefix: KEY_PREFIX,
    });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await queue?.close();
    await redis?.stop();
  });

  it('serves the four role queues, a health probe and a redirect', async () => {
    const server = await serve({});
    const base = server.url.replace(/\/queues$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/queues');
    const body = (await (await fetch(`${server.url}/api/queues`)).json()) as {
      queues: { name: string; readOnlyMode: boolean }[];
    };
    expect(body.queues.map((q) => q.name).sort()).toEqual([
      'tasks-backend',
      'tasks-devops',
      'tasks-frontend',
      'tasks-testing',
    ]);
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it('listens on 127.0.0.1 by default, with no login', async () => {
    const server = await serve({});
    expect(server.address.address).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.address.port}/queues`);
    expect(await accepts('127.0.0.1', server.address.port)).toBe(true);
    expect((await fetch(`${server.url}/api/queues`)).status).toBe(200);
  });

  it.skipIf(external === undefined)(
    'is not reachable on the machine’s other addresses by default (skipped when there are none)',
    async () => {
      const server = await serve({});
      expect(await accepts(external!, server.address.port)).toBe(false);
      // With a login it may listen everywhere, and then that address answers.
      const exposed = await serve({
        BULL_BOARD_HOST: '0.0.0.0',
        BULL_BOARD_USER: 'ops',
        BULL_BOARD_PASSWORD: 'pw',
      });
      expect(await accepts(external!, exposed.address.port)).toBe(true);
    },
  );

  it('refuses to listen beyond loopback without credentials, naming the variables', async () => {
    const unsafe: Record<string, string>[] = [
      { BULL_BOARD_HOST: '0.0.0.0' },
      { BULL_BOARD_HOST: '0.0.0.0', BULL_BOARD_USER: 'ops' },
    ];
    for (const env of unsafe) {
      const error = await serve(env).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/BULL_BOARD_(HOST|PASSWORD)/);
      expect((error as Error).message).toContain('BULL_BOARD_PASSWORD');
    }
  });

  it('asks for the login when one is set: 401 without it or with a wrong one', async () => {
    const server = await serve({
      BULL_BOARD_HOST: '0.0.0.0',
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 's3cret',
    });
    expect(server.address.address).toBe('0.0.0.0');
    const api = `http://127.0.0.1:${server.address.port}/queues/api/queues`;
    const none = await fetch(api);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await fetch(api, { headers: basic('ops', 'wrong') })).status).toBe(401);
    expect((await fetch(api, { headers: basic('other', 's3cret') })).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${server.address.port}/`)).status).toBe(401);
    expect((await fetch(api, { headers: basic('ops', 's3cret') })).status).toBe(200);
    // The container health probe needs no login and learns nothing.
    expect((await fetch(`http://127.0.0.1:${server.address.port}/health`)).status).toBe(200);
  });

  it('refuses pause, retry, clean and delete in read-only mode; Redis is unchanged', async () => {
    const job = await queue.add('task', { n: 1 });
    const server = await serve({});
    const api = `${server.url}/api/queues/tasks-backend`;
    for (const [method, path] of [
      ['PUT', '/pause'],
      ['PUT', '/empty'],
      ['PUT', '/obliterate'],
      ['PUT', '/clean/waiting'],
      ['PUT', `/${job.id}/clean`],
      ['PUT', '/retry/failed'],
      ['POST', '/add'],
    ] as const) {
      const response = await fetch(`${api}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', data: {} }),
      });
      expect(response.status, `${method} ${path}`).toBe(405);
    }
    expect(await queue.isPaused()).toBe(false);
    expect(await queue.getJob(job.id!)).toBeDefined();
    expect(await queue.count()).toBe(1);

    // The same requests go through when read-only is off: the refusal above is real.
    const writable = await serve({ BULL_BOARD_READ_ONLY: 'false' });
    const open = `${writable.url}/api/queues/tasks-backend`;
    expect((await fetch(`${open}/pause`, { method: 'PUT' })).status).toBe(200);
    expect(await queue.isPaused()).toBe(true);
    expect((await fetch(`${open}/${job.id}/clean`, { method: 'PUT' })).status).toBe(204);
    expect(await queue.getJob(job.id!)).toBeUndefined();
    await queue.resume();
  });

  it('Bull Board’s own readOnlyMode refuses changes too, without the server in front', async () => {
    const board = createBullBoardRouter({ redisUrl: redis.url, basePath: '/queues' });
    const app = express();
    app.use('/queues', board.router);
    const server = app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as { port: number };
      const response = await fetch(
        `http://127.0.0.1:${port}/queues/api/queues/tasks-backend/pause`,
        {
          method: 'PUT',
        },
      );
      expect(response.status).toBe(405);
      expect(await queue.isPaused()).toBe(false);
    } finally {
      server.close();
      await board.close();
    }
  });

  it('closes while Redis is busy without leaving a rejected command behind', async () => {
    // A board closed while a script holds Redis for 300 ms: its queues' start-up commands are
    // still unanswered. Closed with a plain disconnect, each one was rejected
    // where nobody listened (CI caught four unhandled rejections in this file).
    const rejected: unknown[] = [];
    const listener = (reason: unknown) => rejected.push(reason);
    process.on('unhandledRejection', listener);
    const admin = new Redis(redis.url);
    await admin.ping();
    try {
      for (let i = 0; i < 5; i++) {
        const board = createBullBoardRouter({ redisUrl: redis.url });
        await new Promise((resolve) => setTimeout(resolve, 0));
        const busy = admin.eval(
          "local t0 = redis.call('TIME') local t repeat t = redis.call('TIME') until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 300000 return 1",
          0,
        );
        // Long enough for the board's connection to send its queues' start-up commands.
        await new Promise((resolve) => setTimeout(resolve, 20));
        await board.close();
        await busy;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(rejected.map(String)).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
      admin.disconnect();
    }
  });
});
