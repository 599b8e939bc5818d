import { readFile } from 'node:fs/promises';
import { CodegodError, type TaskGraph, validateTaskGraph } from '@codegod/protocol';

/** Reads and validates a plan file (a TaskGraph as JSON). Errors say what to fix. */
export async function readPlanFile(path: string): Promise<TaskGraph> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new CodegodError('plan-file-unreadable', `Cannot read plan file ${path}: ${reason}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CodegodError(
      'plan-file-invalid',
      `Plan file ${path} is not valid JSON (${(error as Error).message}). Fix the JSON and try again.`,
    );
  }
  const result = validateTaskGraph(json);
  if (!result.ok) {
    const details = result.errors.map((e) => e.message).join('; ');
    throw new CodegodError(
      'plan-file-invalid',
      `Plan file ${path} is not a valid task graph: ${details}`,
    );
  }
  return result.graph;
}
