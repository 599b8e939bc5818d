import type { AddressInfo } from 'node:net';
import { startRedisServer } from '@codegod/testkit';
import express from 'express';
import { expect, it } from 'vitest';
import { createBullBoardRouter, serveBullBoard } from './bull-board-router.js';

it('serves the role queues over HTTP on loopback', async () => {
  const redis = await startRedisServer();
  const board = createBullBoardRouter({ redisUrl: redis.url, basePath: '/queues' });
  const app = express();
  app.use('/queues', board.router);
  const server = app.listen(0, '127.0.0.1');
  try {
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/queues/api/queues`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual([
      'tasks-backend',
      'tasks-devops',
      'tasks-frontend',
      'tasks-testing',
    ]);
  } finally {
    server.close();
    await board.close();
    await redis.stop();
  }
});

it('serves the board, a health probe and a redirect from one HTTP server', async () => {
  const redis = await startRedisServer();
  const server = await serveBullBoard({ redisUrl: redis.url, port: 0, host: '127.0.0.1' });
  try {
    const base = server.url.replace(/\/queues$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/queues');
    const queues = (await (await fetch(`${server.url}/api/queues`)).json()) as {
      queues: unknown[];
    };
    expect(queues.queues).toHaveLength(4);
  } finally {
    await server.close();
    await redis.stop();
  }
});
