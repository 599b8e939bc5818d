import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { freePort, tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'flask-react.plan.json');

/** Packages only a running build, bench or fleet command needs; help must not pay for them. */
const HEAVY = /^(bullmq|dockerode|@grpc\/.+|express|ioredis|pino)$/;

/**
 * Packages an embedded build needs only for Docker actions, a dashboard (`--ui`) or the fleet's
 * queues.
 */
const NOT_FOR_EMBEDDED = /^(dockerode|@grpc\/.+|ssh2|protobufjs|@bull-board\/.+|express|bullmq)$/;

/**
 * A preload that writes, as the process exits, every CommonJS module it loaded. The ES modules
 * of the CLI pull those packages in through the CommonJS loader, so they land in require.cache.
 */
const RECORDER = `process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache)));
});
`;

/**
 * A module loader hook that appends the URL of every ES module loaded to LOADED_ESM_FILE: the
 * CLI's own code and ESM packages (openai, execa) never reach require.cache.
 */
const ESM_RECORDER_HOOK = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.LOADED_ESM_FILE, url + '\\n');
  return next(url, context);
}
`;

describe('codegod starts light (built CLI, real process)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let recorder: string;
  let esmRecorder: string;
  beforeAll(async () => {
    dir = await tempDir();
    recorder = join(dir.path, 'record-loaded-modules.cjs');
    await writeFile(recorder, RECORDER);
    const hook = join(dir.path, 'record-esm-hook.mjs');
    await writeFile(hook, ESM_RECORDER_HOOK);
    esmRecorder = join(dir.path, 'record-esm.mjs');
    await writeFile(
      esmRecorder,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
    );
  });
  afterAll(() => dir.remove());

  /** The node_modules packages `codegod ARGS` loaded, by name. */
  async function loadedPackages(args: string[]): Promise<Set<string>> {
    const out = join(dir.path, `loaded-${args.join('_').replace(/\W/g, '')}.json`);
    await run(process.execPath, ['-r', recorder, bin, ...args], {
      env: { ...process.env, LOADED_MODULES_FILE: out },
    }).catch((error: { code?: unknown }) => {
      // A usage error exits 2; it must still load nothing heavy.
      if (error.code !== 2) throw error;
    });
    const files = JSON.parse(await readFile(out, 'utf8')) as string[];
    return new Set(
      files.flatMap((file) => {
        const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
        return match?.[1] ? [match[1]] : [];
      }),
    );
  }

  it('--help, --version, plan and a usage error load no bullmq, dockerode, @grpc, express, ioredis or pino', async () => {
    for (const args of [
      ['--help'],
      ['--version'],
      ['build', '--help'],
      ['fleet', '--help'],
      ['bench', '--help'],
      ['status', '--help'],
      ['plan', example],
      ['build', 'x', '--frobnicate'],
    ]) {
      const loaded = await loadedPackages(args);
      // The recorder works: commander, which every command parses with, is in the list.
      expect(loaded, args.join(' ')).toContain('commander');
      expect(
        [...loaded].filter((name) => HEAVY.test(name)),
        args.join(' '),
      ).toEqual([]);
    }
  });

  it("the fleet commands load the fleet's client part only: no LLM client, agents, actions or master code", async () => {
    // A closed port: each command gets as far as connecting (everything it imports is loaded
    // by then) and ends with its one-line error (exit 2).
    const env = { REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    const workspace = join(dir.path, 'fleet-ws');
    for (const args of [
      ['status'],
      ['runs'],
      ['show', 'run-x'],
      ['build', 'x', '--plan', example, '-w', workspace],
    ]) {
      const out = join(dir.path, `esm-${args[0]}.txt`);
      await writeFile(out, '');
      const result = await run(process.execPath, ['--import', esmRecorder, bin, ...args], {
        env: { ...process.env, ...env, LOADED_ESM_FILE: out },
      }).catch((error: { code?: unknown; stderr?: string }) => error);
      expect((result as { stderr?: string }).stderr, args.join(' ')).toMatch(/Cannot reach Redis/);
      const urls = (await readFile(out, 'utf8')).split('\n').filter(Boolean);
      // The recorder works: the fleet's client part was loaded.
      expect(
        urls.some((url) => url.includes('/fleet/dist/fleet-client.js')),
        args.join(' '),
      ).toBe(true);
      const heavy = urls.filter((url) =>
        /\/node_modules\/(openai|execa|dockerode)\/|\/packages\/(llm|agents|orchestrator)\/dist\/|\/packages\/actions\/dist\/(?!sandbox\/command-runner-options\.js)/.test(
          url,
        ),
      );
      expect(heavy, args.join(' ')).toEqual([]);
    }
  });

  it('an embedded build loads no Docker client, dashboard or BullMQ until it needs one', async () => {
    // It gets as far as asking the LLM, which is not there: the whole embedded engine is
    // loaded by then, and the build ends with its one-line error (exit 2).
    const workspace = join(dir.path, 'ws');
    const args = ['build', 'x', '-w', workspace, '--llm-url', 'http://127.0.0.1:9/v1'];
    const loaded = await loadedPackages([...args, '--sandbox', 'none']);
    // The engine was loaded: cross-spawn is what its command runners spawn with.
    expect(loaded).toContain('cross-spawn');
    expect([...loaded].filter((name) => NOT_FOR_EMBEDDED.test(name))).toEqual([]);
  });
});
