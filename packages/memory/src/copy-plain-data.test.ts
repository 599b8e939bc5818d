import { describe, expect, it } from 'vitest';
import { copyPlainData } from './copy-plain-data.js';

describe('copyPlainData', () => {
  it('copies JSON-shaped data deeply: no object or array is shared with the original', () => {
    const original = {
      list: [1, 'two', null, { three: [true, false] }],
      nested: { deeper: { text: 'x', none: undefined } },
    };
    const copy = copyPlainData(original);
    expect(copy).toEqual(original);
    expect(copy.list).not.toBe(original.list);
    expect(copy.list[3]).not.toBe(original.list[3]);
    expect(copy.nested.deeper).not.toBe(original.nested.deeper);
    (copy.list[3] as { three: boolean[] }).three.push(true);
    expect(original.list[3]).toEqual({ three: [true, false] });
  });

  it('keeps a __proto__ key as an own property, without changing the prototype', () => {
    const original = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const copy = copyPlainData(original);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves dates, maps and cycles to structuredClone, as it would copy them', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const original = { when: new Date(5), map: new Map([['k', 1]]), cyclic };
    const copy = copyPlainData(original);
    expect(copy.when).toBeInstanceOf(Date);
    expect(copy.when.getTime()).toBe(5);
    expect(copy.map.get('k')).toBe(1);
    expect(copy.cyclic.self).toBe(copy.cyclic);
    expect(copy.cyclic).not.toBe(cyclic);
  });

  it('rejects a function as structuredClone does', () => {
    expect(() => copyPlainData({ run: () => 1 })).toThrow(/could not be cloned/);
  });
});
