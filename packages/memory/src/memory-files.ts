import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentMemory } from '@codegod/protocol';
import { isCheckpointId } from './agent-id.js';
import { MemoryCorruptError } from './errors/memory-corrupt-error.js';
import { parseAgentMemory, parseJsonText } from './parse-agent-memory.js';

/** One saved memory in an agent file. */
export interface CheckpointRecord {
  id: string;
  /** Milliseconds since the epoch when the checkpoint expires. */
  expires_at: number;
  memory: AgentMemory;
}

/** What one agent's JSON file holds: its memory and its checkpoints, oldest first. */
export interface AgentFile {
  memory: AgentMemory;
  checkpoints: CheckpointRecord[];
}

const SUFFIX = '.json';

function parseAgentFile(value: unknown, path: string): AgentFile {
  const record = (value ?? {}) as Partial<Record<keyof AgentFile, unknown>>;
  if (typeof value !== 'object' || !Array.isArray(record.checkpoints)) {
    throw new MemoryCorruptError(path, 'expected {"memory": …, "checkpoints": […]}');
  }
  const checkpoints = record.checkpoints.map((raw, i): CheckpointRecord => {
    const checkpoint = (raw ?? {}) as Partial<Record<keyof CheckpointRecord, unknown>>;
    const { id, expires_at } = checkpoint;
    if (typeof id !== 'string' || !isCheckpointId(id) || typeof expires_at !== 'number') {
      throw new MemoryCorruptError(
        path,
        `checkpoints[${i}] needs a UUID id and a numeric expires_at`,
      );
    }
    return {
      id,
      expires_at,
      memory: parseAgentMemory(checkpoint.memory, `${path} checkpoints[${i}]`),
    };
  });
  return { memory: parseAgentMemory(record.memory, path), checkpoints };
}

/** Reads every `{agentId}.json` in `directory` (creating it when missing), by agent id. */
export async function readAgentFiles(directory: string): Promise<Map<string, AgentFile>> {
  await mkdir(directory, { recursive: true });
  const files = new Map<string, AgentFile>();
  for (const name of (await readdir(directory)).filter((n) => n.endsWith(SUFFIX)).sort()) {
    const path = join(directory, name);
    const value = parseJsonText(await readFile(path, 'utf8'), path);
    files.set(name.slice(0, -SUFFIX.length), parseAgentFile(value, path));
  }
  return files;
}

/** Writes an agent's file atomically: a reader sees the old file or the new one, never half. */
export async function writeAgentFile(directory: string, agentId: string, file: AgentFile) {
  const path = join(directory, `${agentId}${SUFFIX}`);
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`);
  await rename(temporary, path);
}
