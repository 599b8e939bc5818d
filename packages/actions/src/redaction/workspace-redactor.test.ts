import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSecretsFixture, type SecretsFixture } from '../fixtures/secrets-fixture.js';
import { createWorkspaceRedactor } from './workspace-redactor.js';

describe('createWorkspaceRedactor', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fixture: SecretsFixture;

  beforeEach(async () => {
    dir = await tempDir('codegod-redactor-');
    fixture = await makeSecretsFixture(dir.path);
  });
  afterEach(async () => {
    await dir.remove();
  });

  const leaks = (text: string) =>
    Object.entries(fixture.secrets)
      .filter(([, value]) => text.includes(value))
      .map(([name]) => name);

  it('hides .env values and private key material once it has scanned, and keeps plain config', async () => {
    const redactor = createWorkspaceRedactor(fixture.workspace, { env: {} });
    const everything = Object.values(fixture.secrets).join('\n');
    // Before the scan it knows nothing of the workspace: the check below is not vacuous.
    expect(leaks(redactor.redact(everything)).length).toBeGreaterThan(3);
    await redactor.refresh();
    expect(leaks(redactor.redact(everything))).toEqual([]);
    const dotenv = 'PORT=3000\nNODE_ENV=development\nDEBUG=true';
    expect(redactor.redact(dotenv)).toBe(dotenv);
    // Key lines printed one by one, without the BEGIN/END lines, are still hidden.
    const partial = Object.entries(fixture.secrets)
      .filter(([name]) => name.startsWith('KEY_LINE_'))
      .map(([, line]) => `>>> ${line}`)
      .join('\n');
    expect(leaks(redactor.redact(partial))).toEqual([]);
  });

  it('picks up a .env written later, keeps values of a deleted one, and scans with env secrets', async () => {
    const redactor = createWorkspaceRedactor(fixture.workspace, {
      env: { OWN_API_KEY: 'own-key-value-1' },
    });
    await redactor.refresh();
    await mkdir(join(fixture.workspace, 'api'), { recursive: true });
    await writeFile(
      join(fixture.workspace, 'api', '.env.production'),
      'LATER_SECRET=later-9a8b7c\n',
    );
    expect(redactor.redact('later-9a8b7c')).toBe('later-9a8b7c');
    await redactor.refresh();
    expect(redactor.redact('later-9a8b7c own-key-value-1')).toBe('[redacted] [redacted]');
    await rm(join(fixture.workspace, 'api', '.env.production'));
    await redactor.refresh();
    expect(redactor.redact('later-9a8b7c')).toBe('[redacted]');
  });

  it('follows no symlink out and skips dependency folders and venvs', async () => {
    const outside = join(dir.path, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, '.env'), 'OUTSIDE_TOKEN=outside-1a2b3c\n');
    await symlink(join(outside, '.env'), join(fixture.workspace, 'linked.env'));
    await symlink(outside, join(fixture.workspace, 'linked-dir'));
    for (const folder of ['node_modules/pkg', 'env', '.git']) {
      await mkdir(join(fixture.workspace, folder), { recursive: true });
      await writeFile(join(fixture.workspace, folder, '.env'), `DEP_TOKEN=${folder}-x1y2z3\n`);
    }
    await writeFile(join(fixture.workspace, 'env', 'pyvenv.cfg'), 'home = /usr/bin\n');
    const redactor = createWorkspaceRedactor(fixture.workspace, { env: {} });
    await redactor.refresh();
    const text = 'outside-1a2b3c node_modules/pkg-x1y2z3 env-x1y2z3 .git-x1y2z3';
    expect(redactor.redact(text)).toBe(text);
    expect(leaks(redactor.redact(Object.values(fixture.secrets).join(' ')))).toEqual([]);
  });

  it('respects depth and size bounds', async () => {
    await mkdir(join(fixture.workspace, 'a/b/c'), { recursive: true });
    await writeFile(join(fixture.workspace, 'a/b/c/.env'), 'DEEP_TOKEN=deep-1a2b3c\n');
    await writeFile(
      join(fixture.workspace, 'big.env'),
      `BIG_TOKEN=big-1a2b3c\n${'#'.repeat(4096)}\n`,
    );
    const shallow = createWorkspaceRedactor(fixture.workspace, {
      env: {},
      maxDepth: 2,
      maxEnvFileBytes: 1024,
    });
    await shallow.refresh();
    expect(shallow.redact('deep-1a2b3c big-1a2b3c')).toBe('deep-1a2b3c big-1a2b3c');
    const deep = createWorkspaceRedactor(fixture.workspace, { env: {} });
    await deep.refresh();
    expect(deep.redact('deep-1a2b3c big-1a2b3c')).toBe('[redacted] [redacted]');
  });

  it('re-reads only changed files: over a small byte budget, each scan gets further', async () => {
    const empty = join(dir.path, 'budget');
    await mkdir(empty);
    await writeFile(join(empty, 'a.env'), 'A_TOKEN=aaaa-1111\n');
    await writeFile(join(empty, 'b.env'), 'B_TOKEN=bbbb-2222\n');
    // Room for one file per scan; a cached file costs nothing, so the second scan reads the other.
    const redactor = createWorkspaceRedactor(empty, { env: {}, maxScanBytes: 20 });
    await redactor.refresh();
    expect(redactor.redact('aaaa-1111 bbbb-2222').match(/\[redacted\]/g)).toHaveLength(1);
    await redactor.refresh();
    expect(redactor.redact('aaaa-1111 bbbb-2222')).toBe('[redacted] [redacted]');
  });

  it('rejects a bad setting, naming it', () => {
    expect(() => createWorkspaceRedactor(fixture.workspace, { maxDepth: -1 })).toThrow(/maxDepth/);
  });

  it('never rejects on a workspace that does not exist', async () => {
    const redactor = createWorkspaceRedactor(join(dir.path, 'missing'), { env: {} });
    await expect(redactor.refresh()).resolves.toBeUndefined();
    expect(redactor.redact('plain')).toBe('plain');
  });
});
