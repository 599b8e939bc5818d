import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENTRIES,
  killHard,
  type LocalFleet,
  spawnService,
  startLocalFleet,
} from './local-fleet.js';
import { recordFault } from './reliability-summary.js';

// The agent worker chooses its sandbox before it takes any task: one that cannot work here
// stops it with one line (no silent fallback to none), and `none` is announced in its log.

describe('agent-worker and its sandbox at start-up', () => {
  let fleet: LocalFleet;
  beforeAll(async () => {
    fleet = await startLocalFleet();
  });
  afterAll(() => fleet?.stop());

  it('refuses to start when bubblewrap cannot work, saying how to install it or opt out', async () => {
    const worker = spawnService('no-bwrap', ENTRIES.worker, {
      ...fleet.env,
      AGENT_ROLE: 'backend',
      // node runs by its absolute path; on this PATH there is no bwrap.
      PATH: '/nonexistent',
      CODEGOD_SANDBOX: 'auto',
    });
    const code = await worker.exited;
    const stderr = worker
      .output()
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('agent-worker:'));
    recordFault({
      fault: 'agent-worker starts where bwrap is missing (CODEGOD_SANDBOX=auto)',
      behaviour: 'refuses to start: no silent fallback to unconfined commands',
      bound: 'before connecting to the queues',
      outcome: `exit ${code}: ${stderr[0] ?? ''}`,
    });
    expect(code).toBe(1);
    expect(stderr).toEqual([
      'agent-worker: Commands are refused: bwrap is not installed, so they cannot be confined. Install bubblewrap (apt-get install bubblewrap), or run them unconfined with --sandbox none / CODEGOD_SANDBOX=none.',
    ]);
  }, 60_000);

  it('starts with CODEGOD_SANDBOX=none, warning that commands run unconfined', async () => {
    const worker = spawnService(
      'unconfined',
      ENTRIES.worker,
      { ...fleet.env, AGENT_ROLE: 'backend', CODEGOD_SANDBOX: 'none' },
      'agent worker ready',
    );
    try {
      await worker.ready;
      expect(worker.output()).toContain('sandbox none: commands run with your full rights');
      expect(worker.output()).toMatch(/"sandbox":"none".*agent worker ready/);
    } finally {
      await killHard(worker);
    }
  }, 60_000);
});
