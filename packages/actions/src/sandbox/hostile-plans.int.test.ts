import { mkdir, readdir, realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoleToolkit } from '../action.js';
import { runPlanSteps } from '../fixtures/index.js';
import { backendToolkit } from '../roles/backend/toolkit.js';
import { frontendToolkit } from '../roles/frontend/toolkit.js';

describe('hostile plans', () => {
  let root: { path: string; remove: () => Promise<void> };
  let workspace: string;
  let sibling: string;
  beforeEach(async () => {
    root = await tempDir('codegod-hostile-');
    const base = await realpath(root.path);
    workspace = join(base, 'workspace');
    sibling = join(base, 'sibling');
    await mkdir(workspace);
    await mkdir(sibling);
  });
  afterEach(async () => {
    // The point of every case: nothing landed next to the workspace.
    expect(await readdir(sibling)).toEqual([]);
    await root.remove();
  });

  const attempt = async (
    step: { action: string; args: Record<string, unknown> },
    toolkit: RoleToolkit = backendToolkit(),
  ) => {
    const [outcome] = await runPlanSteps(toolkit, [step], { workspace });
    expect(outcome!.success).toBe(false);
    return outcome!;
  };

  it('refuses paths outside the workspace: .., absolute, symlinked folder, dangling link', async () => {
    await symlink(sibling, join(workspace, 'door'));
    await symlink(join(sibling, 'planted.txt'), join(workspace, 'trap.txt'));
    for (const path of ['../sibling/x.txt', join(sibling, 'x.txt'), 'door/x.txt', 'trap.txt']) {
      const outcome = await attempt({ action: 'write_file', args: { path, content: 'pwned' } });
      expect(outcome.error).toMatchObject({ code: 'path-outside-workspace', isRetryable: false });
      expect(outcome.error!.message).toContain('outside the workspace');
    }
    const read = await attempt({ action: 'read_file', args: { path: '../../../../etc/passwd' } });
    expect(read.error!.code).toBe('path-outside-workspace');
    const main = await attempt(
      { action: 'update_package_json', args: { main: '../sibling/index.js' } },
      frontendToolkit(),
    );
    expect(main.error!.code).toBe('path-outside-workspace');
  });

  it('refuses path arguments that leave the workspace', async () => {
    for (const target of [join(sibling, 'venv'), '../sibling/venv']) {
      const outcome = await attempt({
        action: 'run_command',
        args: { command: 'python3', args: ['-m', 'venv', target] },
      });
      expect(outcome.error!.code).toBe('path-outside-workspace');
    }
    const cwd = await attempt({
      action: 'run_command',
      args: { command: 'python3', args: ['-V'], cwd: '..' },
    });
    expect(cwd.error!.code).toBe('path-outside-workspace');
  });

  it('refuses commands that are not on the allowlist', async () => {
    for (const command of [
      'sh',
      'bash',
      '/bin/sh',
      'curl',
      'npm',
      '../../usr/bin/python3',
      'venv/bin/sh',
    ]) {
      const outcome = await attempt({ action: 'run_command', args: { command, args: [] } });
      expect(outcome.error).toMatchObject({ code: 'command-not-allowed', isRetryable: false });
      expect(outcome.error!.message).toContain(
        "is not on this role's allowlist; use one of: python3",
      );
    }
  });

  it('refuses shell metacharacters in arguments', async () => {
    for (const bad of [
      'print(1); import os',
      'a && b',
      'x | tee /tmp/y',
      'out > ../sibling/f',
      '$(whoami)',
      '`id`',
      'a\nb',
    ]) {
      const outcome = await attempt({
        action: 'run_command',
        args: { command: 'python3', args: ['-c', bad] },
      });
      expect(outcome.error).toMatchObject({ code: 'unsafe-argument', isRetryable: false });
      expect(outcome.error!.message).toContain('without a shell');
    }
    const pip = await attempt({
      action: 'install_dependency',
      args: { packages: ['flask; rm -rf /'] },
    });
    expect(pip.error!.code).toBe('invalid-input');
  });

  it('stops a command with a huge output at the cap', async () => {
    const toolkit = backendToolkit({ maxOutputBytes: 64 * 1024 });
    const outcome = await attempt(
      {
        action: 'run_command',
        args: { command: 'python3', args: ['-c', "while True: print('x' * 1000)"] },
      },
      toolkit,
    );
    expect(outcome.error).toMatchObject({ code: 'command-output-too-large' });
    expect(outcome.output.length).toBeLessThan(70 * 1024);
  });

  it('kills a command that hangs, with its children, at the timeout', async () => {
    const toolkit = frontendToolkit({ timeoutMs: 1500 });
    // The grandchild keeps stdout open: only a process-group kill lets the run return at all.
    const script = "require('child_process').spawn('sleep', ['600'], { stdio: 'inherit' })";
    const outcome = await attempt(
      { action: 'run_command', args: { command: 'node', args: ['-e', script] } },
      toolkit,
    );
    expect(outcome.error).toMatchObject({ code: 'command-timeout' });
    expect(outcome.error!.message).toContain('ran past its time limit');
  }, 30_000);

  it('kills a command when the task is cancelled', async () => {
    const toolkit = backendToolkit();
    const controller = new AbortController();
    const action = toolkit.actions.find((a) => a.name === 'run_command')!;
    const args = action.input.parse({
      command: 'python3',
      args: ['-c', "__import__('time').sleep(600)"],
    });
    const running = action.run(args, { workspace, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    expect(await running).toMatchObject({ success: false, error: { code: 'command-cancelled' } });
  }, 30_000);

  it('passes pip and npm settings through, keeps secrets out, and redacts them in output', async () => {
    const toolkit = backendToolkit({
      env: {
        PATH: process.env.PATH,
        PIP_INDEX_URL: 'https://user:hunter22@pypi.example/simple',
        DEPLOY_TOKEN: 'tok-very-secret',
      },
    });
    const script = "print(*map(__import__('os').environ.get, ['PIP_INDEX_URL', 'DEPLOY_TOKEN']))";
    const [outcome] = await runPlanSteps(
      toolkit,
      [{ action: 'run_command', args: { command: 'python3', args: ['-c', script] } }],
      { workspace },
    );
    expect(outcome!.output).toContain('https://[redacted]@pypi.example/simple None');
    const [echo] = await runPlanSteps(
      toolkit,
      [
        {
          action: 'run_command',
          args: { command: 'python3', args: ['-c', "print('tok-very-secret')"] },
        },
      ],
      { workspace },
    );
    expect(echo!.output).toContain('[redacted]');
    expect(echo!.output).not.toContain('tok-very-secret');
  });
});
