import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PathOutsideWorkspaceError } from '../errors/path-outside-workspace-error.js';
import { createSandbox, type Sandbox } from './sandbox.js';

// The sandbox's file operations: small regular files are read synchronously (see realTarget),
// everything else on the thread pool, with the same answers either way.
describe('sandbox file operations', () => {
  let root: Awaited<ReturnType<typeof tempDir>>;
  let outside: Awaited<ReturnType<typeof tempDir>>;
  let box: Sandbox;

  beforeEach(async () => {
    root = await tempDir('codegod-sandbox-files-');
    outside = await tempDir('codegod-sandbox-outside-');
    box = createSandbox({ workspace: root.path, allowlist: [], sandbox: 'none' });
  });
  afterEach(async () => {
    await root.remove();
    await outside.remove();
  });

  it('reads small and large files whole, and says which exist', async () => {
    const large = 'x'.repeat(300 * 1024);
    await writeFile(join(root.path, 'small.txt'), 'héllo\n');
    await mkdir(join(root.path, 'src'));
    await writeFile(join(root.path, 'src', 'large.txt'), large);
    expect(await box.readFile('small.txt')).toBe('héllo\n');
    expect(await box.readFile('src/large.txt')).toBe(large);
    expect(await box.exists('small.txt')).toBe(true);
    expect(await box.exists('src')).toBe(true);
    expect(await box.exists('missing.txt')).toBe(false);
    expect(await box.exists('src/missing.txt')).toBe(false);
    await expect(box.readFile('missing.txt')).rejects.toThrowError(/ENOENT/);
    await expect(box.readFile('src')).rejects.toThrowError(/EISDIR/);
  });

  it('refuses to read through a link out, and a dangling link is not there', async () => {
    await writeFile(join(outside.path, 'secret.txt'), 'outside');
    await symlink(join(outside.path, 'secret.txt'), join(root.path, 'out.txt'));
    await symlink(join(root.path, 'gone.txt'), join(root.path, 'dangling.txt'));
    await expect(box.readFile('out.txt')).rejects.toThrowError(PathOutsideWorkspaceError);
    await expect(box.exists('out.txt')).rejects.toThrowError(PathOutsideWorkspaceError);
    expect(await box.exists('dangling.txt')).toBe(false);
  });

  it('reads a FIFO without holding the event loop until a writer comes', async () => {
    const fifo = join(root.path, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reading = box.readFile('pipe');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    // Another process writes after a while; a read that blocked the loop would let no tick in.
    const writer = spawn('sh', ['-c', 'sleep 0.5 && printf hello > "$0"', fifo]);
    try {
      expect(await reading).toBe('hello');
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
      if (writer.exitCode === null) await once(writer, 'exit');
    }
  });
});
