import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkReply, repairMessage } from './check-reply.js';

const schema = z.object({ name: z.string(), count: z.number().int() });

describe('checkReply', () => {
  it('accepts a valid reply, also inside a ```json fence', () => {
    expect(checkReply(schema, '{"name":"a","count":1}', 'stop')).toEqual({
      ok: true,
      value: { name: 'a', count: 1 },
    });
    expect(checkReply(schema, '```json\n{"name":"a","count":2}\n```', 'stop').ok).toBe(true);
  });

  it('lists schema problems by path', () => {
    const check = checkReply(schema, '{"name":3}', 'stop');
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.issues).toHaveLength(2);
      expect(check.issues[0]).toMatch(/^name: /);
    }
  });

  it('lists 20 problems then how many more, each cut to a few hundred characters', () => {
    const list = z.array(z.object({ n: z.number() }));
    const longKey = 'k'.repeat(10_000);
    const items = Array.from({ length: 500 }, () => ({ n: 'x' }));
    const check = checkReply(list, JSON.stringify(items), 'stop');
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.issues).toHaveLength(21);
      expect(check.issues.at(-1)).toBe('and 480 more problems');
      for (const issue of check.issues) expect(issue.length).toBeLessThan(400);
    }
    const deepKey = checkReply(z.object({ [longKey]: z.string() }), '{}', 'stop');
    expect(deepKey.ok).toBe(false);
    if (!deepKey.ok) expect(deepKey.issues[0]!.length).toBeLessThan(400);
  });

  it('refuses a reply nested past MAX_JSON_NESTING_DEPTH before parsing it', () => {
    const deep = `{"name":${'['.repeat(65)}${']'.repeat(65)},"count":1}`;
    expect(checkReply(z.object({ name: z.unknown(), count: z.number() }), deep, 'stop')).toEqual({
      ok: false,
      issues: [
        'the reply nests arrays and objects more than 64 levels deep; answer with a flatter JSON value',
      ],
    });
    const fine = `{"name":${'['.repeat(63)}${']'.repeat(63)},"count":1}`;
    expect(checkReply(z.object({ name: z.unknown(), count: z.number() }), fine, 'stop').ok).toBe(
      true,
    );
  });

  it('rejects invalid JSON, empty replies and cut-off replies', () => {
    expect(checkReply(schema, '{"name":', 'stop')).toMatchObject({ ok: false });
    expect(checkReply(schema, null, 'stop')).toMatchObject({ ok: false });
    const cut = checkReply(schema, '{"name":"a","count":1}', 'length');
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.issues[0]).toContain('cut off');
  });

  it('writes a repair message naming the schema and every issue', () => {
    const message = repairMessage('plan', ['a: bad', 'b: worse']);
    expect(message).toContain('"plan"');
    expect(message).toContain('- a: bad\n- b: worse');
  });
});
