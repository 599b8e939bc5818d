import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startRedisServer, waitFor } from '@codegod/testkit';
import { expect, it } from 'vitest';
import { recordFault } from './reliability-summary.js';

const ROOT = join(import.meta.dirname, '..', '..');

// A service told to stop while its Redis is gone must still exit, within its grace period,
// instead of hanging on a close that can never finish.
it.each([
  ['master-orchestrator', 'services/master-orchestrator/dist/main.js', {}],
  ['agent-worker', 'services/agent-worker/dist/main.js', { AGENT_ROLE: 'backend' }],
])('%s exits on SIGTERM after its Redis died', { timeout: 60_000 }, async (name, entry, extra) => {
  const redis = await startRedisServer();
  const child = spawn(process.execPath, [join(ROOT, entry)], {
    env: {
      ...process.env,
      ...extra,
      REDIS_URL: redis.url,
      VLLM_API_URL: 'http://127.0.0.1:9/v1',
      BULL_BOARD_PORT: '0',
      CODEGOD_STOP_GRACE_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  try {
    await waitFor('the service to be ready', () => /ready/.test(output), 30_000);
    await redis.stop();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000)),
    ]);
    expect(code).not.toBe('hung');
    if (code !== 0) expect(output).toMatch(/shutdown (did not finish|failed)/);
    recordFault({
      fault: `SIGTERM to ${name} after its Redis died`,
      behaviour:
        code === 0 ? 'closed and exited 0' : 'close could not finish; exited 1 with the reason',
      bound: 'CODEGOD_STOP_GRACE_MS (default 25 s; 2 s here), then 5 s after a second signal',
      outcome: `exit ${code}`,
    });
  } finally {
    child.kill('SIGKILL');
    await redis.stop();
  }
});
