import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, realpath, rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodegodError, type RunReport } from '@codegod/protocol';

/** Where writeRunReport put the report, and why not in the workspace when it could not. */
export interface WrittenReport {
  path: string;
  /** Set when the report went to a private temporary folder instead of `<workspace>/.codegod`. */
  refused?: string;
}

// A run id becomes a file name; anything else (a hostile report from Redis) is not one.
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Writes the report to `<workspace>/.codegod/<run>.json` without following a symbolic link out
 * of the workspace. The agents wrote into the workspace, so `.codegod`, or the report file, may
 * be a link somewhere else by now. `.codegod` must be a real folder; the report is written to a
 * new temporary file (O_CREAT | O_EXCL | O_NOFOLLOW) in it and renamed over the final name, which
 * replaces a link there instead of writing through it. When `.codegod` is not a real folder, the
 * report goes to a fresh private folder under the system temp dir and `refused` says why.
 */
export async function writeRunReport(workspace: string, report: RunReport): Promise<WrittenReport> {
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const name = RUN_ID.test(report.run_id) ? report.run_id : `run-${randomBytes(6).toString('hex')}`;
  const dir = join(await realpath(workspace), '.codegod');
  await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const before = await lstat(dir);
  if (!before.isDirectory()) {
    const kind = before.isSymbolicLink() ? 'a symbolic link' : 'not a folder';
    const fallback = await mkdtemp(join(tmpdir(), 'codegod-report-'));
    const path = join(fallback, `${name}.json`);
    await writeNew(path, text);
    return {
      path,
      refused: `${dir} is ${kind}, so the run report was not written through it; it is at ${path}. Remove ${dir} to keep reports in the workspace.`,
    };
  }
  const temporary = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  await writeNew(temporary, text);
  // Nothing else should run now, but if `.codegod` was swapped for a link meanwhile, do not
  // rename anything through it.
  const after = await lstat(dir);
  if (!after.isDirectory() || after.ino !== before.ino || after.dev !== before.dev) {
    await unlink(temporary).catch(() => {});
    throw new CodegodError(
      'report-not-written',
      `${dir} changed while the run report was being written, so it was not written. Run \`codegod show ${name}\` on the fleet, or run again.`,
    );
  }
  const path = join(dir, `${name}.json`);
  await rename(temporary, path);
  return { path };
}

/** Creates `path`, which must not exist yet and must not be a link, and writes `text`. */
async function writeNew(path: string, text: string): Promise<void> {
  const file = await open(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    await file.writeFile(text);
  } finally {
    await file.close();
  }
}
