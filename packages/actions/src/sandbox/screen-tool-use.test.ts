import { describe, expect, it } from 'vitest';
import { screenToolUse } from './screen-tool-use.js';

const refused = (command: string, ...args: string[]) =>
  expect(() => screenToolUse(command, args), [command, ...args].join(' ')).toThrowError(
    expect.objectContaining({ code: 'tool-use-refused' }),
  );

describe('screenToolUse', () => {
  it('refuses pip options that install elsewhere or from elsewhere, however spelled', () => {
    for (const args of [
      ['install', '-t/outside', 'x'],
      ['install', '-t', 'lib', 'x'],
      ['install', '-qt/outside', 'x'],
      ['install', '--target=/x', 'x'],
      ['install', '--targ', 'lib', 'x'],
      ['install', '--user', 'x'],
      ['install', '--prefix', 'p', 'x'],
      ['install', '--root=/', 'x'],
      ['install', '-i', 'https://evil.example/simple', 'x'],
      ['install', '--extra-index-url=https://evil.example', 'x'],
      ['install', '-fhttps://evil.example', 'x'],
      ['install', '--trusted-host', 'evil.example', 'x'],
    ]) {
      refused('venv/bin/pip', ...args);
      refused('python3', '-m', 'pip', ...args);
    }
  });

  it('refuses pip config and npm config, credentials, publishing and global installs', () => {
    refused('venv/bin/pip', 'config', '--user', 'set', 'global.index-url', 'http://x');
    refused('python3', '-mpip', 'config', 'set', 'a.b', 'c');
    for (const args of [
      ['config', 'set', 'registry', 'http://evil'],
      ['set', 'registry', 'http://evil'],
      ['install', '-g', '.'],
      ['install', '--global', 'x'],
      ['i', '--location=global', 'x'],
      ['link'],
      ['publish'],
      ['login'],
    ]) {
      refused('npm', ...args);
    }
  });

  it('lets ordinary installs and runs through, and says which take the install lock', () => {
    expect(screenToolUse('venv/bin/pip', ['install', '-r', 'requirements.txt', 'flask'])).toEqual({
      mutatesDependencies: true,
      requirementFiles: ['requirements.txt'],
    });
    expect(screenToolUse('venv/bin/pip', ['install', '-rreq.txt', '-c', 'c.txt', '--pre'])).toEqual(
      { mutatesDependencies: true, requirementFiles: ['req.txt', 'c.txt'] },
    );
    expect(screenToolUse('venv/bin/pip', ['list'])).toMatchObject({ mutatesDependencies: false });
    expect(screenToolUse('npm', ['install', '--no-audit', 'react'])).toMatchObject({
      mutatesDependencies: true,
    });
    expect(screenToolUse('npm', ['ci'])).toMatchObject({ mutatesDependencies: true });
    // After `--` the words belong to the script, not to npm.
    expect(screenToolUse('npm', ['run', 'build', '--', '--global'])).toMatchObject({
      mutatesDependencies: false,
    });
    expect(screenToolUse('python3', ['-m', 'venv', 'venv'])).toMatchObject({
      mutatesDependencies: true,
    });
    expect(screenToolUse('python3', ['-c', 'print(1)'])).toMatchObject({
      mutatesDependencies: false,
    });
  });

  it('only classifies when told not to refuse', () => {
    expect(screenToolUse('npm', ['install', '-g', '.'], { refuse: false })).toMatchObject({
      mutatesDependencies: true,
    });
  });
});
