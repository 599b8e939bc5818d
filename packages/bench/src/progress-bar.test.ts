import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.js';
import { sampleResult } from './sample-result.js';

function output(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (text: string) => chunks.push(text) };
}

describe('ProgressBar', () => {
  it('writes one plain line per finished instance when not on a terminal', () => {
    const out = output(false);
    const bar = new ProgressBar(out);
    bar.start(2);
    bar.begin('a');
    bar.begin('b');
    bar.end('a', sampleResult({ instance_id: 'a', wall_ms: 1500 }));
    bar.end('b', undefined); // interrupted: not a result, not a line
    bar.stop();
    expect(out.chunks).toEqual(['[1/2] a: solved (codegod succeeded, 1.5s)\n']);
  });

  it('redraws one bar in place on a terminal, with solves, false successes and what runs', () => {
    const out = output(true);
    const bar = new ProgressBar(out);
    bar.start(4);
    bar.begin('a');
    bar.begin('b');
    bar.end('a', sampleResult({ instance_id: 'a', solved: false, false_success: true }));
    const last = out.chunks.at(-1)!;
    expect(last.startsWith('\r\x1b[2K[')).toBe(true);
    expect(last).toContain('1/4 solved 0 false-success 1');
    expect(last).toContain('running: b');
    expect(last).toMatch(/\[#{8}\.{22}\]/);
    bar.stop();
    expect(out.chunks.at(-1)).toBe('\n');
  });
});
