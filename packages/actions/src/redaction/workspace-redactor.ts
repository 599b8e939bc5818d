import { defineSettings, wholeNumberSetting } from '@codegod/config';
import { envSecretValues } from '../sandbox/child-env.js';
import { createRedactor, mapStrings, type Redactor } from './redactor.js';
import { type ScanLimits, WorkspaceSecretScan } from './workspace-secret-scan.js';

/** Settings of `createWorkspaceRedactor`. */
export interface WorkspaceRedactorOptions {
  /** codegod's own environment: values of its secret-named variables are hidden too. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder levels below the workspace searched. Default: 6. */
  maxDepth?: number;
  /** Directory entries looked at per scan; the rest of a huge tree is not searched. Default: 20000. */
  maxEntries?: number;
  /** Largest `.env*` file read, in bytes. Default: 262144 (256 KiB). */
  maxEnvFileBytes?: number;
  /** Largest other file read to look for a private key, in bytes. Default: 65536 (64 KiB). */
  maxKeyFileBytes?: number;
  /** Bytes read per scan; files past it are read by a later scan. Default: 16777216 (16 MiB). */
  maxScanBytes?: number;
  /** Secret values remembered; past it, values no longer on disk are forgotten first. Default: 10000. */
  maxValues?: number;
}

/** A redactor that knows a workspace's secrets, kept current by `refresh`. */
export interface WorkspaceRedactor extends Redactor {
  /** The workspace it scans. */
  readonly workspace: string;
  /**
   * Scans the workspace again (only new or changed files are read) and adds what it finds.
   * Values once seen stay hidden for the redactor's life, even after their file is deleted.
   * Call it after anything that may have written to the workspace; never rejects.
   */
  refresh(): Promise<void>;
}

/** The scan's bounds, given in code; each defaults as documented on WorkspaceRedactorOptions. */
const REDACTOR_SETTINGS = defineSettings({
  maxDepth: { schema: wholeNumberSetting(0, 6) },
  maxEntries: { schema: wholeNumberSetting(0, 20_000) },
  maxEnvFileBytes: { schema: wholeNumberSetting(0, 256 * 1024) },
  maxKeyFileBytes: { schema: wholeNumberSetting(0, 64 * 1024) },
  maxScanBytes: { schema: wholeNumberSetting(0, 16 * 1024 * 1024) },
  maxValues: { schema: wholeNumberSetting(0, 10_000) },
});

/**
 * The redactor for everything a task in `workspace` produces: the values of the workspace's
 * `.env*` files, the key material of private keys in it, the values of secret-named variables
 * of codegod's own environment, and secret shapes (URL credentials, API token formats, private
 * key blocks). Throws ConfigError on a bad setting.
 */
export function createWorkspaceRedactor(
  workspace: string,
  options: WorkspaceRedactorOptions = {},
): WorkspaceRedactor {
  // Only code sets these: the redactor's env is the one secrets are taken from, not settings.
  const { maxValues, ...limits }: ScanLimits & { maxValues: number } = REDACTOR_SETTINGS.resolve(
    options,
    {},
  );
  const envValues = envSecretValues(options.env ?? process.env);
  const scan = new WorkspaceSecretScan(workspace, limits);
  let known: string[] = [];
  let current = createRedactor(envValues);
  let refreshing: Promise<void> | undefined;

  async function rescan(): Promise<void> {
    const found = await scan.scan().catch(() => [] as string[]);
    // Values on disk now come first, so the cap drops forgotten files' values, not current ones.
    const merged = [...new Set([...found, ...known])].slice(0, maxValues);
    const before = new Set(known);
    known = merged;
    if (merged.length === before.size && merged.every((value) => before.has(value))) return;
    current = createRedactor([...envValues, ...known]);
  }

  return {
    workspace,
    refresh() {
      // Callers at the same moment share one scan.
      refreshing ??= rescan().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    redact: (text) => current.redact(text),
    redactValue: (value) => mapStrings(value, current.redact),
  };
}
