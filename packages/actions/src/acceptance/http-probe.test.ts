import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The probe is the one spawner outside the CommandRunner (it starts the service inside the
// runner's sandbox); it must start it as an argv, never through a shell.
describe('the http check probe (static)', () => {
  const source = readFileSync(new URL('../../assets/http-probe.cjs', import.meta.url), 'utf8');

  it('spawns the service from its argv with no shell', () => {
    const spawns = source.match(/\bspawn\([^)]*\)/g) ?? [];
    expect(spawns).toEqual([
      "spawn(config.file, config.args, { stdio: ['ignore', 'pipe', 'pipe'] })",
    ]);
    expect(source).not.toMatch(/\bshell\s*:/);
    expect(source).not.toMatch(/\b(exec|execSync|execFile|execFileSync|spawnSync|fork)\(/);
    // Not detached: the service stays in the probe's process group, which the runner kills.
    expect(source).not.toMatch(/detached/);
  });
});
