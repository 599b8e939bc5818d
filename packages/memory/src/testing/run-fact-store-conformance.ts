import { randomUUID } from 'node:crypto';
import type { RunFact } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import type { RunFactStore } from '../run-fact-store.js';

const fact = (
  name: string,
  value: unknown,
  found_by: string,
  found_at: number,
  role: RunFact['role'] = 'backend',
): RunFact => ({
  name,
  value,
  found_by,
  role,
  task_id: 'task-1',
  found_at,
});

/** The behaviour every RunFactStore adapter must have. */
export function runFactStoreConformance(
  name: string,
  create: () => Promise<{ store: RunFactStore; close: () => Promise<void> }>,
): void {
  describe(`${name} (RunFactStore conformance)`, () => {
    it('lists what was recorded, by name, per run', async () => {
      const { store, close } = await create();
      const run = `run-${randomUUID()}`;
      await store.record(run, [
        fact('venv_path', 'venv', 'backend-1', 1),
        fact('entry_point', 'app.py', 'backend-1', 1),
      ]);
      expect(await store.list(run)).toEqual([
        fact('entry_point', 'app.py', 'backend-1', 1),
        fact('venv_path', 'venv', 'backend-1', 1),
      ]);
      expect(await store.list(`run-${randomUUID()}`)).toEqual([]);
      await close();
    });

    it("answers a record with the run's facts, as list does", async () => {
      const { store, close } = await create();
      const run = `run-${randomUUID()}`;
      expect(await store.record(run, [])).toEqual([]);
      await store.record(run, [fact('venv_path', 'venv', 'backend-1', 1)]);
      const answered = await store.record(run, [
        fact('venv_path', 'venv', 'backend-2', 2),
        fact('entry_point', 'app.py', 'backend-2', 2),
      ]);
      expect(answered).toEqual([
        fact('entry_point', 'app.py', 'backend-2', 2),
        fact('venv_path', 'venv', 'backend-1', 1),
      ]);
      expect(await store.list(run)).toEqual(answered);
      // A changed answer changes nothing on record.
      answered[0]!.value = 'changed.py';
      expect((await store.list(run))[0]!.value).toBe('app.py');
      await close();
    });

    it('keeps the first finder of an equal value, and replaces a contradicted one', async () => {
      const { store, close } = await create();
      const run = `run-${randomUUID()}`;
      await store.record(run, [fact('venv_path', 'venv', 'backend-1', 1)]);
      await store.record(run, [fact('venv_path', 'venv', 'backend-2', 2)]);
      expect(await store.list(run)).toEqual([fact('venv_path', 'venv', 'backend-1', 1)]);
      await store.record(run, [fact('venv_path', '.venv', 'backend-2', 3)]);
      expect(await store.list(run)).toEqual([fact('venv_path', '.venv', 'backend-2', 3)]);
      await close();
    });

    it("keeps one fact per name and role: the frontend's npm does not replace the backend's pip", async () => {
      const { store, close } = await create();
      const run = `run-${randomUUID()}`;
      const pip = fact('package_manager', 'pip', 'backend-1', 1);
      const npm = fact('package_manager', 'npm', 'frontend-1', 2, 'frontend');
      await store.record(run, [pip]);
      expect(await store.record(run, [npm])).toEqual([pip, npm]);
      // Each role's next task states its own value again: nothing on record changes.
      await store.record(run, [fact('package_manager', 'pip', 'backend-1', 3)]);
      expect(await store.list(run)).toEqual([pip, npm]);
      // Within a role, a contradicting value still replaces the one on record.
      const yarn = fact('package_manager', 'yarn', 'frontend-1', 4, 'frontend');
      expect(await store.record(run, [yarn])).toEqual([pip, yarn]);
      await close();
    });
  });
}
