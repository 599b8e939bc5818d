import type { RunEvent } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { ProgressView } from './progress-view.js';

const HOSTILE = 'boom\x1b[2J\x1b]0;pwned\x07\rFAKE\nsecond line';
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the view's own cursor moves and line clears
const OWN_CONTROL = /\x1b\[\d+A|\x1b\[2K/g;

function events(): RunEvent[] {
  const task = { run_id: 'r', ts: Date.now(), task_id: 'x', role: 'backend' as const };
  return [
    { ...task, type: 'task-retry', attempt: 2, reason: HOSTILE },
    {
      ...task,
      type: 'task-end',
      agent_id: 'backend-1',
      success: false,
      result: {
        success: false,
        output: HOSTILE,
        reasoning: '',
        actions_taken: [],
        validation: { valid: false, output: '' },
      },
    },
    { run_id: 'r', ts: Date.now(), type: 'replan', round: 1, reason: HOSTILE },
    { run_id: 'r', ts: Date.now(), type: 'run-end', state: 'failed', reason: HOSTILE },
  ] as RunEvent[];
}

describe('ProgressView', () => {
  it('prints what models and commands wrote without terminal control sequences (log mode)', () => {
    let written = '';
    const view = new ProgressView({ write: (text: string) => (written += text), isTTY: false });
    for (const event of events()) view.update(event);
    view.close();
    expect(written).toContain('boomFAKE second line');
    for (const line of written.split('\n')) expect(line).not.toMatch(CONTROL);
  });

  it('keeps its own cursor control on a terminal, and only that', () => {
    let written = '';
    const view = new ProgressView({ write: (text: string) => (written += text), isTTY: true });
    for (const event of events()) view.update(event);
    view.close();
    // The table redraw moves the cursor and clears lines; nothing else reaches the terminal.
    const withoutOwn = written.replace(OWN_CONTROL, '');
    expect(withoutOwn).toContain('boomFAKE second line');
    for (const line of withoutOwn.split('\n')) expect(line).not.toMatch(CONTROL);
  });
});
