import { SandboxUnavailableError } from '../errors/sandbox-unavailable-error.js';
import type { CommandRunner } from './command-runner.js';
import {
  type CommandRunnerOptions,
  resolveCommandRunnerOptions,
} from './command-runner-options.js';
import { probeBubblewrap } from './runners/bubblewrap-probe.js';
import { createBubblewrapRunner } from './runners/bubblewrap-runner.js';
import { createContainerRunner } from './runners/container-runner.js';
import { createDirectRunner } from './runners/direct-runner.js';

/** The one line shown when bubblewrap cannot work: why, and both ways forward. */
export function bubblewrapUnavailableMessage(problem: string): string {
  return (
    `Commands are refused: ${problem}, so they cannot be confined. Install bubblewrap ` +
    '(apt-get install bubblewrap), or run them unconfined with --sandbox none / CODEGOD_SANDBOX=none.'
  );
}

/**
 * The command runner `options.sandbox` (or `CODEGOD_SANDBOX`, else `auto`) names. Throws
 * ConfigError for an unknown setting and SandboxUnavailableError, with one line saying what
 * to do, when that runner cannot work here: there is no silent fallback to `none`.
 */
export function createCommandRunner(options: CommandRunnerOptions = {}): CommandRunner {
  const settings = resolveCommandRunnerOptions(options);
  switch (settings.sandbox) {
    case 'none':
      return createDirectRunner();
    case 'container':
      return createContainerRunner(
        options.detectContainer ? { detectContainer: options.detectContainer } : {},
      );
    case 'auto':
    case 'bubblewrap': {
      const probe = (options.probeBubblewrap ?? probeBubblewrap)();
      if (!probe.ok) throw new SandboxUnavailableError(bubblewrapUnavailableMessage(probe.problem));
      return createBubblewrapRunner({
        bwrap: probe.bwrap,
        prlimit: probe.prlimit,
        ...(probe.timeout ? { timeout: probe.timeout } : {}),
        dropCapabilities: probe.asRoot,
        limits: settings.limits,
      });
    }
  }
}

/** The warning printed at start when commands run unconfined. */
export const UNCONFINED_WARNING =
  'sandbox none: commands run with your full rights, confined only by argument checks ' +
  '(opted in with --sandbox none / CODEGOD_SANDBOX=none).';
