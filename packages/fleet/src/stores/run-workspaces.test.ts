import { RunExistsError } from '@codegod/bus';
import { describe, expect, it } from 'vitest';
import { InMemoryRunWorkspaces } from './run-workspaces.js';

describe('InMemoryRunWorkspaces', () => {
  it('keeps only the keepRuns runs set or looked up most recently', async () => {
    const workspaces = new InMemoryRunWorkspaces({ keepRuns: 2 });
    await workspaces.set('run-1', '/w/1');
    await workspaces.set('run-2', '/w/2');
    expect(await workspaces.get('run-1')).toBe('/w/1'); // run-1 is now the most recent
    await workspaces.set('run-3', '/w/3');
    expect(await workspaces.get('run-2')).toBeUndefined();
    expect(await workspaces.get('run-1')).toBe('/w/1');
    expect(await workspaces.get('run-3')).toBe('/w/3');
  });

  it("keeps a run's first workspace: the same again is fine, another is refused", async () => {
    const workspaces = new InMemoryRunWorkspaces();
    await workspaces.set('run-1', '/w/1');
    await workspaces.set('run-1', '/w/1');
    await expect(workspaces.set('run-1', '/w/other')).rejects.toBeInstanceOf(RunExistsError);
    expect(await workspaces.get('run-1')).toBe('/w/1');
  });
});
