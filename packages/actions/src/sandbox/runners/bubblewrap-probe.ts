import { execaSync } from 'execa';
import { findExecutable } from './find-executable.js';

/** What the bubblewrap probe found: the tools the runner needs, or why it cannot work here. */
export type BubblewrapProbe =
  | {
      ok: true;
      /** Absolute path of `bwrap`. */
      bwrap: string;
      /** Absolute path of `prlimit` (util-linux), which applies the resource limits. */
      prlimit: string;
      /** True when running as root: bwrap then keeps every capability unless told to drop them. */
      asRoot: boolean;
      /** Absolute path of coreutils `timeout`, the in-sandbox backstop; undefined when missing. */
      timeout: string | undefined;
    }
  | { ok: false; problem: string };

/** The namespaces and mounts every confined command gets; the probe tries exactly these. */
export const BASE_BWRAP_ARGS = [
  '--ro-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
  '--tmpfs',
  '/tmp',
  '--unshare-pid',
  '--unshare-ipc',
  '--die-with-parent',
  '--new-session',
] as const;

/** Extra bwrap options when running as root: without them root keeps CAP_SYS_ADMIN and can remount `/` writable. */
export const ROOT_BWRAP_ARGS = ['--cap-drop', 'ALL'] as const;

/**
 * Finds bwrap and prlimit on `path` and starts one empty sandbox with the runner's options.
 * Takes about 10 ms; `probeBubblewrap` caches the answer for the process.
 */
export function runBubblewrapProbe(path = process.env.PATH ?? ''): BubblewrapProbe {
  const bwrap = findExecutable('bwrap', path);
  if (!bwrap) return { ok: false, problem: 'bwrap is not installed' };
  const prlimit = findExecutable('prlimit', path);
  if (!prlimit) return { ok: false, problem: 'prlimit (util-linux) is not installed' };
  const truePath = findExecutable('true', path) ?? '/bin/true';
  const asRoot = process.getuid?.() === 0;
  const args = [
    ...BASE_BWRAP_ARGS,
    '--unshare-net',
    ...(asRoot ? ROOT_BWRAP_ARGS : []),
    '--',
    prlimit,
    '--cpu=10',
    '--',
    truePath,
  ];
  const result = execaSync(bwrap, args, {
    shell: false,
    reject: false,
    stdin: 'ignore',
    timeout: 10_000,
    env: { PATH: path },
    extendEnv: false,
  });
  if (result.exitCode !== 0) {
    const why =
      String(result.stderr ?? '')
        .trim()
        .split('\n')[0] || `exit ${result.exitCode}`;
    return { ok: false, problem: `bwrap cannot create a sandbox here (${why})` };
  }
  return { ok: true, bwrap, prlimit, asRoot, timeout: findExecutable('timeout', path) };
}

let cached: BubblewrapProbe | undefined;

/** Whether bubblewrap works in this process, probed once and cached. */
export function probeBubblewrap(): BubblewrapProbe {
  cached ??= runBubblewrapProbe();
  return cached;
}
