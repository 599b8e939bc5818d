import { describe, expect, it } from 'vitest';
import { taskWaves } from './task-waves.js';

describe('taskWaves', () => {
  it('puts each task one wave after its latest dependency', () => {
    const waves = taskWaves([
      { id: 'ui', depends_on: ['fe', 'api'] },
      { id: 'api', depends_on: ['be'] },
      { id: 'be', depends_on: [] },
      { id: 'fe', depends_on: [] },
      { id: 'deploy', depends_on: ['ui', 'be'] },
    ]);
    expect(Object.fromEntries(waves)).toEqual({ be: 0, fe: 0, api: 1, ui: 2, deploy: 3 });
  });

  it('ignores unknown dependencies and does not loop on a cycle', () => {
    const waves = taskWaves([
      { id: 'a', depends_on: ['b', 'gone'] },
      { id: 'b', depends_on: ['a'] },
    ]);
    expect(waves.size).toBe(2);
    expect([...waves.values()].every((wave) => wave <= 2)).toBe(true);
  });
});
