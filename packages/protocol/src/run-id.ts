import { randomBytes } from 'node:crypto';

/** A new run id: sortable by time, unique, safe in Redis keys and job ids. */
export function newRunId(): string {
  return `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
