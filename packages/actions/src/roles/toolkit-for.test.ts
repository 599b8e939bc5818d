import { WORKER_ROLES } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolkitFor } from './role-definitions.js';

describe('toolkitFor', () => {
  it.each(WORKER_ROLES)('gives %s a toolkit whose actions a planner can describe', (role) => {
    const toolkit = toolkitFor(role, { dockerHost: 'unix:///nonexistent/docker.sock' });
    expect(toolkit.role).toBe(role);
    const names = toolkit.actions.map((action) => action.name);
    expect(new Set(names).size).toBe(names.length);
    for (const action of toolkit.actions) {
      expect(action.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(action.description.length).toBeGreaterThan(10);
      // The agent turns each input into JSON Schema for structured output.
      expect(z.toJSONSchema(action.input, { io: 'input' })).toMatchObject({ type: 'object' });
    }
  });

  it('gives each role the actions the issue names', () => {
    const names = (role: (typeof WORKER_ROLES)[number]) =>
      toolkitFor(role, { dockerHost: 'unix:///nonexistent/docker.sock' }).actions.map(
        (a) => a.name,
      );
    expect(names('backend')).toEqual(
      expect.arrayContaining([
        'create_venv',
        'install_dependency',
        'update_requirements',
        'check_file_exists',
        'run_command',
      ]),
    );
    expect(names('frontend')).toEqual(
      expect.arrayContaining([
        'npm_install',
        'npm_run',
        'update_package_json',
        'check_entry_point',
        'build_frontend',
      ]),
    );
    expect(names('devops')).toEqual(
      expect.arrayContaining([
        'create_dockerfile',
        'build_image',
        'run_container',
        'setup_env',
        'deploy',
      ]),
    );
    expect(names('testing')).toEqual(
      expect.arrayContaining(['run_tests', 'validate_output', 'check_syntax', 'debug_error']),
    );
  });

  it('rejects bad settings at construction', () => {
    expect(() => toolkitFor('backend', { timeoutMs: -1 })).toThrowError(
      /timeoutMs.*CODEGOD_COMMAND_TIMEOUT_MS/,
    );
    expect(() => toolkitFor('devops', { dockerHost: 'nope' })).toThrowError(
      /dockerHost.*DOCKER_HOST/,
    );
  });

  it('refuses arguments the schemas forbid before anything runs', () => {
    const backend = toolkitFor('backend');
    const install = backend.actions.find((a) => a.name === 'install_dependency')!;
    expect(install.input.safeParse({ packages: ['--index-url=http://evil'] }).success).toBe(false);
    expect(install.input.safeParse({ packages: ['flask>=3,<4'] }).success).toBe(true);
    const frontend = toolkitFor('frontend');
    const npmInstall = frontend.actions.find((a) => a.name === 'npm_install')!;
    expect(npmInstall.input.safeParse({ packages: ['git+https://evil/x.git'] }).success).toBe(
      false,
    );
    expect(npmInstall.input.safeParse({ packages: ['@scope/pkg@^1.2.0'] }).success).toBe(true);
  });
});
