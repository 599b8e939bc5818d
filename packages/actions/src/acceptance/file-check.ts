import { open, stat } from 'node:fs/promises';
import type { CheckResult, FileCheck } from '@codegod/protocol';
import type { Sandbox } from '../sandbox/sandbox.js';
import { expectMatch, toCheckResult } from './check-outcome.js';
import { searchBounded } from './search-bounded.js';

/** Bytes of a file a `content_regex` is searched in; a bigger file is searched in its start. */
export const FILE_CHECK_READ_LIMIT = 4 * 1024 * 1024;

/** Characters of the file shown when its content does not match. */
const SHOWN = 1500;

/** Runs a `file` check: the path exists inside the workspace, and its content matches. */
export async function runFileCheck(box: Sandbox, check: FileCheck): Promise<CheckResult> {
  const startedAt = performance.now();
  const ran = check.content_regex
    ? `file ${check.path} matches /${check.content_regex}/`
    : `file ${check.path} exists`;
  const absolute = await box.resolvePath(check.path);
  const stats = await stat(absolute).catch(() => undefined);
  const failures: string[] = [];
  let shown = '';
  if (!stats) failures.push(`${check.path} does not exist`);
  else if (check.content_regex !== undefined) {
    if (!stats.isFile()) failures.push(`${check.path} is not a file`);
    else {
      const content = await readStart(absolute, Math.min(stats.size, FILE_CHECK_READ_LIMIT));
      expectMatch(failures, check.path, check.content_regex, searchBounded, content);
      if (failures.length > 0) {
        shown = box.redact(content.length > SHOWN ? `${content.slice(0, SHOWN)}\n[…]` : content);
      }
    }
  }
  const kind = stats?.isDirectory() ? 'directory' : 'file';
  const passedBecause = check.content_regex
    ? `${check.path} matches`
    : `${check.path} exists (${kind})`;
  return toCheckResult(
    check,
    { ran, exitCode: null, failures, passedBecause, output: shown },
    startedAt,
  );
}

async function readStart(path: string, limit: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(limit);
    const { bytesRead } = await handle.read(buffer, 0, limit, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
