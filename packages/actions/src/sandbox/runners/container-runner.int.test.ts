import { describe, expect, it } from 'vitest';
import { commandRunnerConformance } from '../../fixtures/command-runner-conformance.js';
import { type ContainerProbe, createContainerRunner, detectContainer } from './container-runner.js';

// No container engine here: the evidence is injected; the commands are real processes.
commandRunnerConformance('container (evidence injected)', () =>
  createContainerRunner({ detectContainer: () => '/.dockerenv exists' }),
);

const probe = (
  files: Record<string, string>,
  env: Record<string, string> = {},
): ContainerProbe => ({
  env,
  exists: (path) => path in files,
  readFile: (path) => files[path],
});

describe('container detection', () => {
  it('finds each kind of evidence', () => {
    expect(detectContainer(probe({ '/.dockerenv': '' }))).toBe('/.dockerenv exists');
    expect(detectContainer(probe({ '/run/.containerenv': '' }))).toBe('/run/.containerenv exists');
    expect(detectContainer(probe({}, { container: 'podman' }))).toBe('container=podman');
    expect(detectContainer(probe({ '/proc/1/cgroup': '0::/kubepods/besteffort/pod1/abc\n' }))).toBe(
      '/proc/1/cgroup names kubepods',
    );
  });

  it('finds none on a plain host', () => {
    expect(detectContainer(probe({ '/proc/1/cgroup': '0::/init.scope\n' }))).toBeUndefined();
  });

  it('refuses to run outside a container, naming the flag, the variable and the way out', () => {
    expect(() => createContainerRunner({ detectContainer: () => undefined })).toThrowError(
      /--sandbox container, CODEGOD_SANDBOX=container\) needs a container.*--sandbox bubblewrap/s,
    );
  });
});
