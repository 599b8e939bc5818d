import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CodegodError } from '@codegod/protocol';

/** Settings of `downloadModel`. */
export interface DownloadOptions {
  url: string;
  /** The final file; bytes arrive in `<destination>.part` until the checksum passes. */
  destination: string;
  /** The expected SHA-256 (hex). Default: the hash the server publishes, if any. */
  sha256?: string;
  /** Called as bytes arrive; `total` when the server says it. */
  onProgress?: (received: number, total: number | undefined) => void;
  signal?: AbortSignal;
}

/** What a finished download was checked against. */
export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** `given`: --sha256 or the catalogue; `server`: the server's published hash; `none`. */
  checkedAgainst: 'given' | 'server' | 'none';
  /** Bytes kept from an earlier, interrupted download. */
  resumedFrom: number;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const MAX_REDIRECTS = 5;

/**
 * Downloads a model file with resume and a checksum: an interrupted download keeps its
 * `.part` file and the next call asks only for the rest (HTTP Range); the file gets its final
 * name only once its SHA-256 matches, and a mismatch deletes it.
 */
export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  const part = `${options.destination}.part`;
  const name = basename(options.destination);
  let kept = (await stat(part).catch(() => undefined))?.size ?? 0;
  const { response, publishedSha256 } = await request(options.url, kept, options.signal);
  if (response.status === 200 || response.status === 416) kept = 0;
  else if (response.status !== 206)
    throw new CodegodError(
      'download-failed',
      `${options.url} answered HTTP ${response.status}; check the URL or try again later`,
    );
  if (response.status === 416) {
    // The part is as long as the file or longer: start again rather than trust it.
    await rm(part, { force: true });
    return downloadModel(options);
  }
  const total = totalBytes(response, kept);
  const hash = createHash('sha256');
  if (kept > 0) await hashFile(part, hash);
  const file = await open(part, kept > 0 ? 'a' : 'w');
  let received = kept;
  try {
    if (!response.body) throw new Error('the reply has no body');
    for await (const chunk of response.body) {
      await file.write(chunk);
      hash.update(chunk);
      received += chunk.length;
      options.onProgress?.(received, total);
    }
  } catch (error) {
    throw interrupted(name, received, total, error);
  } finally {
    await file.close();
  }
  if (total !== undefined && received < total)
    throw interrupted(name, received, total, new Error('the connection closed early'));
  const sha256 = hash.digest('hex');
  const expected = options.sha256?.toLowerCase() ?? publishedSha256;
  if (expected !== undefined && sha256 !== expected) {
    await rm(part, { force: true });
    throw new CodegodError(
      'checksum-mismatch',
      `${name}: checksum mismatch (expected sha256 ${expected}, got ${sha256}); the download was deleted. Pull again, and check --sha256 if you gave one.`,
    );
  }
  await rename(part, options.destination);
  return {
    path: options.destination,
    bytes: received,
    sha256,
    checkedAgainst: options.sha256 ? 'given' : publishedSha256 ? 'server' : 'none',
    resumedFrom: kept,
  };
}

/** GETs `url` from byte `from`, following redirects by hand to read the published hash on the way. */
async function request(url: string, from: number, signal: AbortSignal | undefined) {
  let publishedSha256: string | undefined;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Response;
    try {
      response = await fetch(current, {
        redirect: 'manual',
        headers: from > 0 ? { range: `bytes=${from}-` } : {},
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw new CodegodError(
        'download-failed',
        `could not reach ${current} (${(error as Error).cause ?? (error as Error).message}); check the URL and the network`,
      );
    }
    const linked = response.headers.get('x-linked-etag')?.replace(/^W\//, '').replaceAll('"', '');
    if (linked && HEX_SHA256.test(linked)) publishedSha256 = linked;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).toString();
      continue;
    }
    return { response, publishedSha256 };
  }
  throw new CodegodError('download-failed', `${url} redirected more than ${MAX_REDIRECTS} times`);
}

/** The whole file's size: Content-Range's total on a 206, Content-Length on a 200. */
function totalBytes(response: Response, kept: number): number | undefined {
  const range = response.headers.get('content-range')?.match(/\/(\d+)$/);
  if (range) return Number(range[1]);
  const length = response.headers.get('content-length');
  return length === null ? undefined : kept + Number(length);
}

function hashFile(path: string, hash: Hash): Promise<void> {
  return new Promise((resolve, reject) => {
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', resolve);
  });
}

function interrupted(name: string, received: number, total: number | undefined, cause: unknown) {
  const of = total === undefined ? '' : ` of ${total}`;
  const why = cause instanceof Error ? cause.message : String(cause);
  return new CodegodError(
    'download-interrupted',
    `the download of ${name} stopped at ${received}${of} bytes (${why}); run the same command again to resume`,
  );
}
