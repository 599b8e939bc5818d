import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandRunnerConformance } from '../../fixtures/command-runner-conformance.js';
import type { CommandOutput, CommandRunner, CommandSpec } from '../command-runner.js';
import { createCommandRunner } from '../create-command-runner.js';
import { probeBubblewrap } from './bubblewrap-probe.js';
import { BACKSTOP_GRACE_MS, bubblewrapCommand, SANDBOX_HOME } from './bubblewrap-runner.js';

// Real bwrap (`.ci/run` installs it). Places outside the workspace live under /var/tmp, on the
// root filesystem: /tmp is replaced by a private tmpfs inside, so a canary there proves less.

const bubblewrap = () => createCommandRunner({ sandbox: 'bubblewrap', env: {} });

commandRunnerConformance('bubblewrap', bubblewrap);

describe('bubblewrap runner', () => {
  let root: string;
  let workspace: string;
  let outside: string;
  let runner: CommandRunner;
  const env = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(outside, 'home') });
  const python = (code: string, extra: Partial<CommandSpec> = {}): Promise<CommandOutput> =>
    runner.run({
      file: 'python3',
      args: ['-c', code],
      cwd: workspace,
      workspace,
      env: env(),
      timeoutMs: 30_000,
      maxOutputBytes: 256 * 1024,
      ...extra,
    });

  beforeEach(async () => {
    root = await realpath(await mkdtemp('/var/tmp/codegod-bwrap-'));
    workspace = join(root, 'workspace');
    outside = join(root, 'outside');
    await mkdir(workspace);
    await mkdir(join(outside, 'home', '.ssh'), { recursive: true });
    runner = bubblewrap();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('is what auto picks where bwrap works, and the probe is cached', () => {
    expect(probeBubblewrap()).toMatchObject({ ok: true });
    expect(probeBubblewrap()).toBe(probeBubblewrap());
    expect(createCommandRunner({ env: {} }).kind).toBe('bubblewrap');
  });

  it('keeps everything but the workspace read-only', async () => {
    const write = (path: string) =>
      `open(${JSON.stringify(path)}, 'w').write('x') or print('wrote', ${JSON.stringify(path)})`;
    const inside = await python(write(join(workspace, 'in.txt')));
    expect(inside.exitCode, inside.stderr).toBe(0);
    expect(await readFile(join(workspace, 'in.txt'), 'utf8')).toBe('x');
    for (const path of [join(outside, 'out.txt'), join(outside, 'home', 'rc'), '/etc/codegod-x']) {
      const result = await python(write(path));
      expect(result.exitCode, path).not.toBe(0);
      expect(result.stderr, path).toMatch(/Read-only file system|Permission denied/);
    }
    expect(await readdir(outside)).toEqual(['home']);
  });

  it('gives each command a private, writable /tmp and HOME, and hides the host /tmp', async () => {
    const hostTmp = await mkdtemp('/tmp/codegod-host-');
    try {
      await writeFile(join(hostTmp, 'secret.txt'), 'host tmp');
      const code =
        "[__import__('os').makedirs(__import__('os').environ['HOME'] + '/.cache'), " +
        "open('/tmp/mine.txt', 'w').write('x'), " +
        `print(__import__('os').environ['HOME'], __import__('os').path.exists(${JSON.stringify(hostTmp)}))]`;
      const result = await python(code);
      expect(result.stdout.trim(), result.stderr).toBe(`${SANDBOX_HOME} False`);
      expect(await readdir(hostTmp)).toEqual(['secret.txt']);
      // The next command starts from an empty /tmp again.
      const again = await python("print(__import__('os').path.exists('/tmp/mine.txt'))");
      expect(again.stdout.trim()).toBe('False');
    } finally {
      await rm(hostTmp, { recursive: true, force: true });
    }
  });

  it('keeps readable what the environment names under /tmp (PIP_FIND_LINKS), read-only', async () => {
    const wheels = await mkdtemp('/tmp/codegod-wheels-');
    try {
      await writeFile(join(wheels, 'a.whl'), 'wheel');
      const code = `print(open(${JSON.stringify(join(wheels, 'a.whl'))}).read()) or open(${JSON.stringify(join(wheels, 'b'))}, 'w')`;
      const result = await python(code, { env: { ...env(), PIP_FIND_LINKS: wheels } });
      expect(result.stdout).toContain('wheel');
      expect(result.stderr).toMatch(/Read-only file system/);
      expect(await readdir(wheels)).toEqual(['a.whl']);
    } finally {
      await rm(wheels, { recursive: true, force: true });
    }
  });

  it("hides the host home's credentials", async () => {
    await writeFile(join(outside, 'home', '.ssh', 'id_ed25519'), 'PRIVATE KEY');
    await writeFile(join(outside, 'home', '.npmrc'), '//registry.npmjs.org/:_authToken=npm_x');
    await writeFile(join(outside, 'home', 'notes.txt'), 'not a credential');
    const home = join(outside, 'home');
    const script = join(workspace, 'peek.py');
    await writeFile(
      script,
      [
        'import os, sys',
        'home = sys.argv[1]',
        "print(os.listdir(os.path.join(home, '.ssh')))",
        'try:',
        "    print(repr(open(os.path.join(home, '.npmrc')).read()))",
        'except OSError as error:',
        '    print(type(error).__name__)',
        "print(open(os.path.join(home, 'notes.txt')).read())",
      ].join('\n'),
    );
    const result = await runner.run({
      file: 'python3',
      args: [script, home],
      cwd: workspace,
      workspace,
      env: env(),
      timeoutMs: 30_000,
      maxOutputBytes: 64 * 1024,
    });
    expect(result.stdout.trim(), result.stderr).toBe('[]\nPermissionError\nnot a credential');
  });

  it('has no network unless the command asks for it', async () => {
    const server = createServer((socket) => socket.end('hello\n'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    try {
      const code = `print(__import__('socket').create_connection(('127.0.0.1', ${port}), 5).recv(16))`;
      const offline = await python(code);
      expect(offline.exitCode).not.toBe(0);
      expect(offline.stderr).toMatch(/Network is unreachable|Connection refused/);
      const online = await python(code, { network: true });
      expect(online.stdout).toContain('hello');
    } finally {
      server.close();
    }
  });

  it('gives a command without network no extra CA certificates to load, and one with network its own', async () => {
    const bundle = join(outside, 'extra-ca.pem');
    await writeFile(bundle, 'not read by python\n');
    const code = "print(__import__('os').environ.get('NODE_EXTRA_CA_CERTS'))";
    const withBundle = { env: { ...env(), NODE_EXTRA_CA_CERTS: bundle } };
    expect((await python(code, withBundle)).stdout.trim()).toBe('None');
    const online = await python(code, { ...withBundle, network: true });
    expect(online.stdout.trim()).toBe(bundle);
  });

  it('runs without capabilities and in its own pid namespace', async () => {
    const code =
      "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0], " +
      "len([p for p in __import__('os').listdir('/proc') if p.isdigit()]))";
    const [caps, processes] = (await python(code)).stdout.trim().split(' ');
    expect(caps).toBe('0000000000000000');
    // This command, its interpreter and bwrap's init: nothing of the host.
    expect(Number(processes)).toBeLessThan(5);
  });

  it('applies the resource limits from settings', async () => {
    runner = createCommandRunner({
      sandbox: 'bubblewrap',
      env: {
        CODEGOD_SANDBOX_CPU_SECONDS: '1',
        CODEGOD_SANDBOX_MEMORY_MB: '256',
        CODEGOD_SANDBOX_MAX_PROCESSES: '77',
        CODEGOD_SANDBOX_MAX_FILE_MB: '1',
      },
    });
    const limits = (await python("print(open('/proc/self/limits').read())")).stdout;
    expect(limits).toMatch(/Max cpu time\s+1\s+1\s+seconds/);
    expect(limits).toMatch(/Max data size\s+268435456\s+268435456\s+bytes/);
    expect(limits).toMatch(/Max processes\s+77\s+77\s+processes/);
    expect(limits).toMatch(/Max file size\s+1048576\s+1048576\s+bytes/);
    const big = await python("open('big', 'wb').write(b'x' * 2 * 1024 * 1024)");
    expect(big.exitCode).not.toBe(0);
    const memory = await python("bytearray(512 * 1024 * 1024) and print('allocated')");
    expect(memory.stderr).toContain('MemoryError');
    const spin = await python('while True: pass');
    expect(spin.exitCode).not.toBe(0);
    expect(spin.timedOut).toBe(false);
  }, 60_000);

  it('ends an orphaned sandbox by itself after its timeout (the backstop inside bwrap)', async () => {
    // As if the worker died before bwrap armed --die-with-parent: nobody outside kills it.
    const probe = probeBubblewrap();
    if (!probe.ok || !probe.timeout) throw new Error('this test needs bwrap and coreutils timeout');
    const { file, args } = bubblewrapCommand(
      {
        file: 'sleep',
        args: ['600'],
        cwd: workspace,
        workspace,
        env: env(),
        timeoutMs: 500,
        maxOutputBytes: 1024,
      },
      {
        bwrap: probe.bwrap,
        prlimit: probe.prlimit,
        timeout: probe.timeout,
        dropCapabilities: probe.asRoot,
        limits: { cpuSeconds: 60, memoryMb: 512, maxProcesses: 1024, maxFileMb: 16 },
      },
    );
    const result = await execa(file, args, {
      env: env(),
      reject: false,
      timeout: BACKSTOP_GRACE_MS + 20_000,
    });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(137);
  }, 60_000);
});
