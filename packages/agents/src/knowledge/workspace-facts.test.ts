import { describe, expect, it } from 'vitest';
import {
  factsOf,
  knowledgeForPrompt,
  learnFacts,
  WORKSPACE_FACTS_KEY,
  WORKSPACES_KEPT,
} from './workspace-facts.js';

const first = { found_by: 'backend-1', task_id: 't1', found_at: 1 };
const second = { found_by: 'backend-1', task_id: 't2', found_at: 2 };

describe('workspace facts', () => {
  it('takes only the durable fields of an observation, nulls included', () => {
    expect(
      factsOf({ findings: ['x'], venv_path: null, python_version: '3.11', installed_packages: [] }),
    ).toEqual({ venv_path: null, python_version: '3.11' });
  });

  it('adds, keeps the first finder of an unchanged fact, corrects and drops contradicted ones', () => {
    const learned = learnFacts({ note: 'operator' }, '/w', { venv_path: 'venv' }, first);
    expect(learned.changed).toEqual(['venv_path']);
    const again = learnFacts(learned.knowledge, '/w', { venv_path: 'venv' }, second);
    expect(again.changed).toEqual([]);
    expect(again.knowledge[WORKSPACE_FACTS_KEY]).toEqual({
      '/w': { venv_path: { value: 'venv', ...first } },
    });
    const corrected = learnFacts(again.knowledge, '/w', { venv_path: '.venv' }, second);
    expect(corrected.changed).toEqual(['venv_path']);
    expect(knowledgeForPrompt(corrected.knowledge, '/w')).toEqual({
      note: 'operator',
      [WORKSPACE_FACTS_KEY]: { venv_path: '.venv' },
    });
    const gone = learnFacts(corrected.knowledge, '/w', { venv_path: null }, second);
    expect(gone.changed).toEqual(['venv_path']);
    expect(knowledgeForPrompt(gone.knowledge, '/w')).toEqual({ note: 'operator' });
  });

  it("shows a task only its own workspace's facts, and keeps a bounded number of workspaces", () => {
    let knowledge: Record<string, unknown> = {};
    for (let i = 0; i <= WORKSPACES_KEPT; i++) {
      knowledge = learnFacts(knowledge, `/w${i}`, { venv_path: `venv${i}` }, first).knowledge;
    }
    expect(knowledgeForPrompt(knowledge, '/w3')).toEqual({
      [WORKSPACE_FACTS_KEY]: { venv_path: 'venv3' },
    });
    expect(knowledgeForPrompt(knowledge, '/w0')).toEqual({});
    expect(Object.keys(knowledge[WORKSPACE_FACTS_KEY] as object)).toHaveLength(WORKSPACES_KEPT);
  });
});
