import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { freePort, type RedisServer, startRedisServer } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './compose-config.js';

// docker/healthcheck.mjs, the images' HEALTHCHECK, against a real redis-server.
let server: RedisServer;
let http: Server;
let httpPort: number;
const PASSWORD = 'pw-health';

// Asynchronous: the HTTP server the master check probes lives in this process.
function healthcheck(
  env: Record<string, string>,
): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'docker/healthcheck.mjs')], {
    env: { PATH: process.env.PATH, HEALTHCHECK_TIMEOUT_MS: '2000', ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stderr })));
}

beforeAll(async () => {
  server = await startRedisServer();
  const redis = new Redis(server.url);
  await redis.config('SET', 'requirepass', PASSWORD);
  redis.disconnect();
  httpPort = await freePort();
  http = createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => http.listen(httpPort, '127.0.0.1', resolve));
});

afterAll(async () => {
  http?.close();
  await server?.stop();
});

describe('docker/healthcheck.mjs', () => {
  const url = () => `redis://default:${PASSWORD}@127.0.0.1:${server.port}`;

  it('is healthy when Redis answers PING with the password', async () => {
    expect(await healthcheck({ REDIS_URL: url(), AGENT_ROLE: 'backend' })).toEqual({
      status: 0,
      stderr: '',
    });
    const noUser = `redis://:${PASSWORD}@127.0.0.1:${server.port}`;
    expect((await healthcheck({ REDIS_URL: noUser, AGENT_ROLE: 'backend' })).status).toBe(0);
  });

  it('is unhealthy with a wrong password, no Redis or no REDIS_URL', async () => {
    const wrong = await healthcheck({ REDIS_URL: `redis://:nope@127.0.0.1:${server.port}` });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('redis refused');
    const closed = await healthcheck({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(closed.status).toBe(1);
    expect((await healthcheck({})).stderr).toContain('REDIS_URL is not set');
  });

  it('also needs the master to answer HTTP on BULL_BOARD_PORT', async () => {
    const master = { REDIS_URL: url(), AGENT_ROLE: 'master' };
    expect((await healthcheck({ ...master, BULL_BOARD_PORT: String(httpPort) })).status).toBe(0);
    const down = await healthcheck({ ...master, BULL_BOARD_PORT: String(await freePort()) });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('unhealthy');
  });
});
