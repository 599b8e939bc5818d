import { describe, expect, it } from 'vitest';
import { createRedactor, mapStrings } from './redactor.js';

describe('createRedactor', () => {
  it('hides values longest first, so a value containing another goes whole', () => {
    const { redact } = createRedactor(['abcd1234', 'abcd1234-and-more', 'ab']);
    expect(redact('x abcd1234-and-more y abcd1234 z ab')).toBe('x [redacted] y [redacted] z ab');
  });

  it('hides the JSON-escaped form of values with quotes, backslashes or newlines', () => {
    const { redact } = createRedactor(['pa"ss\\word', 'line one\nline two']);
    expect(redact(JSON.stringify({ a: 'pa"ss\\word', b: 'line one\nline two' }))).toBe(
      '{"a":"[redacted]","b":"[redacted]"}',
    );
  });

  it('applies the secret shapes after the values', () => {
    const { redact } = createRedactor([]);
    expect(redact('token ghp_0123456789abcdefghijABCDEFGHIJ012345 ok')).toBe('token [redacted] ok');
  });

  it('redacts a text the same way every time, short or long, after many other texts', () => {
    const { redact } = createRedactor(['hunter2-secret']);
    const short = 'password hunter2-secret here';
    const long = `${'x'.repeat(20_000)} hunter2-secret`;
    const medium = `${'y'.repeat(10_000)} hunter2-secret`;
    for (let round = 0; round < 2; round++) {
      expect(redact(short)).toBe('password [redacted] here');
      expect(redact(long).endsWith(' [redacted]')).toBe(true);
      expect(redact(medium).endsWith(' [redacted]')).toBe(true);
      for (let i = 0; i < 600; i++) redact(`text ${i} ${'z'.repeat(i * 10)} hunter2-secret`);
    }
    expect(redact('text 599 hunter2-secret')).toBe('text 599 [redacted]');
  });

  it('stays linear with many values over 1 MiB', () => {
    const values = Array.from({ length: 500 }, (_, i) => `secret-value-${i}-${'q'.repeat(i % 40)}`);
    const { redact } = createRedactor(values);
    const text = `${'lorem ipsum dolor sit amet '.repeat(40_000)}${values[499]}`;
    expect(redact(text).endsWith('[redacted]')).toBe(true);
  }, 30_000);
});

describe('redactValue', () => {
  it('redacts every string of a record, keys, numbers and the input untouched', () => {
    const { redactValue } = createRedactor(['s3cr3t-value']);
    const record = {
      output: 'got s3cr3t-value',
      nested: [{ args: ['--token', 's3cr3t-value'] }, 3, null, true],
      when: new Date(0),
    };
    const redacted = redactValue(record);
    expect(redacted).toEqual({
      output: 'got [redacted]',
      nested: [{ args: ['--token', '[redacted]'] }, 3, null, true],
      when: new Date(0),
    });
    expect(record.output).toBe('got s3cr3t-value');
  });

  it('survives 100,000 levels of nesting, cycles, and keeps an own __proto__ key', () => {
    let deep: unknown = 'leak s3cr3t-value';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    let copy = mapStrings(deep, (text) => text.replace('s3cr3t-value', 'x')) as { d: unknown };
    for (let i = 0; i < 100_000; i++) copy = copy.d as { d: unknown };
    expect(copy).toBe('leak x');

    const cyclic: Record<string, unknown> = { name: 's3cr3t-value' };
    cyclic.self = cyclic;
    const cyclicCopy = createRedactor(['s3cr3t-value']).redactValue(cyclic);
    expect(cyclicCopy.name).toBe('[redacted]');
    expect(cyclicCopy.self).toBe(cyclicCopy);

    const parsed = JSON.parse('{"__proto__": {"polluted": "s3cr3t-value"}}') as object;
    const safe = createRedactor(['s3cr3t-value']).redactValue(parsed);
    expect(Object.getOwnPropertyDescriptor(safe, '__proto__')?.value).toEqual({
      polluted: '[redacted]',
    });
    expect(Object.getPrototypeOf(safe)).toBe(Object.prototype);
  });
});
