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
