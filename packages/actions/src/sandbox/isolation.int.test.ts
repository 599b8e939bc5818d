import { createHash } from 'node:crypto';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleToolkit } from '../action.js';
import { buildWheel } from '../fixtures/build-wheel.js';
import { runPlanSteps, type StepOutcome } from '../fixtures/run-plan-steps.js';
import { backendToolkit } from '../roles/backend/toolkit.js';
import { frontendToolkit } from '../roles/frontend/toolkit.js';
import {
  type ConfigKey,
  type EscapeCase,
  type EscapeContext,
  type EscapeOutcome,
  escapeCases,
  ISOLATION_CONFIGS,
} from './isolation-cases.js';

// The isolation suite (issue #12): every escape attempt, as a schema-valid hostile plan run
// through the real toolkits, under bubblewrap and under none, each with argument screening on
// and off. It proves under bubblewrap that nothing outside the workspace changed (a canary
// folder, $HOME, npm's global prefix) and shows the same plans escaping under none, so the
// checks can fail. The results must match the table in docs/security.md; rewrite it with
// CODEGOD_WRITE_SECURITY_TABLE=1 npx vitest run packages/actions/src/sandbox/isolation.int.test.ts

/** Error codes of a step refused before anything ran. */
const REFUSAL_CODES = [
  'path-outside-workspace',
  'unsafe-argument',
  'tool-use-refused',
  'invalid-input',
  'command-not-allowed',
];

const DOC = resolve(import.meta.dirname, '../../../../docs/security.md');
const TABLE_START = '<!-- isolation-table:start (written by isolation.int.test.ts) -->';
const TABLE_END = '<!-- isolation-table:end -->';

/** Every file, folder and link under `dir` with its content hash, for before/after checks. */
async function snapshot(
  dir: string,
  into = new Map<string, string>(),
): Promise<Map<string, string>> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) into.set(path, `link ${await readlink(path)}`);
    else if (stats.isDirectory()) {
      into.set(path, 'dir');
      await snapshot(path, into);
    } else {
      into.set(
        path,
        createHash('sha256')
          .update(await readFile(path))
          .digest('hex'),
      );
    }
  }
  return into;
}

/** What differs between two snapshots, for the failure message. */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

let connections = 0;
const cases = escapeCases({
  connections: () => connections,
  async fileAppears(path) {
    // The daemon writes a second after it starts; a loaded machine may start it late.
    const deadline = Date.now() + 6000;
    while (Date.now() < deadline) {
      if (
        await lstat(path).then(
          () => true,
          () => false,
        )
      )
        return true;
      await sleep(200);
    }
    return false;
  },
});
const results = new Map<string, { outcome: EscapeOutcome; detail: string }>();
const cell = (name: string, key: ConfigKey) => `${name}\u0000${key}`;

let server: Server;
let port: number;
const sockets = new Set<Socket>();
beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    sockets.add(socket.on('close', () => sockets.delete(socket)));
    socket.destroy();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((done) => server.close(() => done()));
});

describe.each(ISOLATION_CONFIGS)('escape attempts under $label', (config) => {
  let root: string;
  let context: EscapeContext;
  let toolkits: Record<EscapeCase['role'], RoleToolkit>;

  beforeAll(async () => {
    // Under /var/tmp, on the root filesystem: bubblewrap's /tmp is a private tmpfs, so a canary
    // under /tmp would prove less than one the read-only bind has to protect.
    root = await realpath(await mkdtemp('/var/tmp/codegod-isolation-'));
    const workspace = join(root, 'workspace');
    const outside = join(root, 'outside');
    const home = join(outside, 'home');
    for (const dir of ['canary', 'home/.ssh', 'prefix', 'door-target']) {
      await mkdir(join(outside, dir), { recursive: true });
    }
    await writeFile(join(outside, 'canary', 'canary.txt'), 'untouched\n');
    const keyText = `codegod-fake-private-key-${config.key.toLowerCase()}`;
    const keyFile = join(home, '.ssh', 'id_ed25519');
    await writeFile(keyFile, `${keyText}\n`);
    await mkdir(join(workspace, 'globalpkg'), { recursive: true });
    await writeFile(
      join(workspace, 'globalpkg', 'package.json'),
      JSON.stringify({ name: 'codegod-global-probe', version: '1.0.0', bin: 'cli.js' }),
    );
    await writeFile(join(workspace, 'globalpkg', 'cli.js'), '#!/usr/bin/env node\n');
    await writeFile(
      join(workspace, 'package.json'),
      JSON.stringify({ name: 'hostile-workspace', version: '1.0.0', private: true }),
    );
    await symlink(join(outside, 'door-target'), join(workspace, 'door'));
    await execa('python3', ['-m', 'venv', 'venv'], { cwd: workspace });
    // A wheel pip could install offline, outside the workspace (and outside the snapshot).
    const wheels = join(root, 'wheels');
    await buildWheel(wheels, {
      name: 'codegod_probe',
      version: '1.0.0',
      files: { 'codegod_probe/__init__.py': '' },
    });
    const passwdLine = (await readFile('/etc/passwd', 'utf8')).split('\n')[0]!;
    context = { workspace, outside, keyFile, keyText, passwdLine, port };
    const env = {
      // Without rustup's proxies: pip asks `rustc --version` for its user agent, and the proxy
      // writes $HOME/.rustup, a harmless change that would hide what each attempt did.
      PATH: (process.env.PATH ?? '/usr/bin:/bin')
        .split(':')
        .filter((dir) => !dir.includes('.cargo'))
        .join(':'),
      LANG: 'C.UTF-8',
      HOME: home,
      // npm's global prefix and config under the guarded folder; its cache outside it.
      npm_config_prefix: join(outside, 'prefix'),
      npm_config_userconfig: join(home, '.npmrc'),
      npm_config_globalconfig: join(outside, 'prefix', 'etc', 'npmrc'),
      npm_config_cache: join(root, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      PIP_NO_INDEX: '1',
      PIP_FIND_LINKS: wheels,
      PIP_NO_CACHE_DIR: '1',
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
    };
    const options = {
      env,
      sandbox: config.sandbox,
      screening: config.screening,
      timeoutMs: 60_000,
    };
    toolkits = { backend: backendToolkit(options), frontend: frontendToolkit(options) };
    expect(toolkits.backend.sandbox).toBe(config.sandbox);
  }, 120_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it.each(cases)(
    '$name',
    async (attempt) => {
      const before = await snapshot(context.outside);
      connections = 0;
      const outcomes: StepOutcome[] = await runPlanSteps(
        toolkits[attempt.role],
        attempt.steps(context),
        { workspace: context.workspace },
      );
      const output = outcomes.map((o) => o.output).join('\n');
      const changed = changes(before, await snapshot(context.outside));
      const otherwise = (await attempt.escapedOtherwise?.(context)) ?? false;
      const leaked = attempt.leaks ? output.includes(attempt.leaks(context)) : false;
      const failed = outcomes.find((o) => !o.success);
      const code = failed?.error?.code;
      let outcome: EscapeOutcome;
      if (changed.length > 0 || otherwise) outcome = 'escaped';
      else if (leaked) outcome = 'leaked';
      else if (code && REFUSAL_CODES.includes(code)) outcome = 'refused';
      else outcome = 'contained';
      const detail =
        outcome === 'escaped'
          ? changed.map((path) => path.slice(context.outside.length + 1)).join(', ') ||
            'outside the filesystem'
          : (code ?? 'ran');
      results.set(cell(attempt.name, config.key), { outcome, detail });
      const why = `${outcome} (${detail})\n${output.slice(0, 2000)}`;
      expect(outcome, why).toBe(attempt.expect[config.key]);
    },
    60_000,
  );
});

/** The docs table: one row per attempt, one column per configuration, as this run saw them. */
function table(): string {
  const rows = cases.map((attempt) => [
    attempt.name,
    ...ISOLATION_CONFIGS.map((config) => {
      const { outcome, detail } = results.get(cell(attempt.name, config.key))!;
      const word = outcome === 'escaped' || outcome === 'leaked' ? `**${outcome}**` : outcome;
      return outcome === 'escaped' || outcome === 'contained' ? word : `${word} (${detail})`;
    }),
  ]);
  const header = ['escape attempt', ...ISOLATION_CONFIGS.map((config) => config.label)];
  // Padded as the formatter (Biome) pads Markdown tables, so `npm run lint` keeps it as is.
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The table's cells without padding, to compare what it says rather than how it is laid out. */
const cells = (text: string) =>
  text.split('\n').map((row) =>
    row
      .split('|')
      .map((c) => c.trim().replace(/^-+$/, '---'))
      .join('|'),
  );

it('docs/security.md shows exactly these results (skipped when the run was filtered)', async (test) => {
  if (results.size < cases.length * ISOLATION_CONFIGS.length) test.skip();
  const doc = await readFile(DOC, 'utf8');
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  expect(start, `${DOC} has no ${TABLE_START} marker`).toBeGreaterThan(-1);
  const fresh = `${TABLE_START}\n${table()}\n${TABLE_END}`;
  const current = doc.slice(start, end + TABLE_END.length);
  if (process.env.CODEGOD_WRITE_SECURITY_TABLE === '1') {
    await writeFile(DOC, doc.replace(current, fresh));
    return;
  }
  expect(cells(current), 'rewrite it with CODEGOD_WRITE_SECURITY_TABLE=1').toEqual(cells(fresh));
});
