import { describe, expect, it } from 'vitest';
import { buildMessages } from './build-messages.js';

describe('buildMessages', () => {
  it('puts the stable system prompt and catalogue first and the context last', () => {
    const a = buildMessages({
      system: 'You are backend.',
      catalogue: 'ACTIONS: write_file',
      context: 'task A',
    });
    const b = buildMessages({
      system: 'You are backend.',
      catalogue: 'ACTIONS: write_file',
      context: 'task B',
    });
    expect(a[0]).toEqual({ role: 'system', content: 'You are backend.\n\nACTIONS: write_file' });
    expect(a.slice(0, -1)).toEqual(b.slice(0, -1));
    expect(a.at(-1)).toEqual({ role: 'user', content: 'task A' });
  });
});
