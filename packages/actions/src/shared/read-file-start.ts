import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The first `bytes` of a workspace file as text; undefined when it cannot be read. A symlink
 * put in the file's place after it was listed is not followed: workspace content is untrusted.
 */
export async function readFileStart(path: string, bytes: number): Promise<string | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
