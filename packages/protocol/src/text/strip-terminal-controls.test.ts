import { describe, expect, it } from 'vitest';
import { stripTerminalControls } from './strip-terminal-controls.js';

describe('stripTerminalControls', () => {
  it('removes CSI, OSC and other escape sequences, keeping the text around them', () => {
    expect(stripTerminalControls('\x1b[31mred\x1b[0m plain')).toBe('red plain');
    expect(stripTerminalControls('a\x1b[2J\x1b[Hb')).toBe('ab');
    expect(stripTerminalControls('\x1b]0;pwned title\x07after')).toBe('after');
    expect(stripTerminalControls('\x1b]52;c;ZWNobyBoaQ==\x1b\\clip')).toBe('clip');
    expect(stripTerminalControls('\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\')).toBe('link');
    expect(stripTerminalControls('\x1bPq#0;2;0;0;0\x1b\\dcs')).toBe('dcs');
    expect(stripTerminalControls('x\x1bcy')).toBe('xy');
    expect(stripTerminalControls('lone escape\x1b')).toBe('lone escape');
  });

  it('removes C0 (but newline and tab), DEL and C1 controls', () => {
    expect(stripTerminalControls('ok\rFAKE\bX\x00\x07\x7f\x9b31m\x85')).toBe('okFAKEX31m');
    expect(stripTerminalControls('line 1\n\tline 2')).toBe('line 1\n\tline 2');
    expect(stripTerminalControls('héllo wörld ✓ 日本')).toBe('héllo wörld ✓ 日本');
  });
});
