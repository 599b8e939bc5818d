import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A model file in the models folder. */
export interface PulledModel {
  file: string;
  path: string;
  bytes: number;
  modifiedMs: number;
}

/** The `.gguf` files in `dir`, newest first (none when the folder does not exist). */
export async function pulledModels(dir: string): Promise<PulledModel[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const models: PulledModel[] = [];
  for (const file of names.filter((name) => name.toLowerCase().endsWith('.gguf'))) {
    const path = join(dir, file);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) models.push({ file, path, bytes: info.size, modifiedMs: info.mtimeMs });
  }
  return models.sort((a, b) => b.modifiedMs - a.modifiedMs);
}
