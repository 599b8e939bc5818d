import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from './logger.js';

describe('createLogger', () => {
  it('writes JSON lines with secrets redacted', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk) => lines.push(String(chunk)));
    const logger = createLogger({ name: 'test', destination: out });
    logger.info({ env: { OPENAI_API_KEY: 'sk-123', PATH: '/bin' }, password: 'hunter2' }, 'hello');
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(lines.join(''));
    expect(line.msg).toBe('hello');
    expect(line.name).toBe('test');
    expect(line.env).toEqual({ OPENAI_API_KEY: '[redacted]', PATH: '/bin' });
    expect(line.password).toBe('[redacted]');
    expect(lines.join('')).not.toContain('sk-123');
  });

  it('redacts nested arrays too', () => {
    expect(redactSecrets([{ GITHUB_TOKEN: 'x', ok: [{ db_password: 'y' }] }])).toEqual([
      { GITHUB_TOKEN: '[redacted]', ok: [{ db_password: '[redacted]' }] },
    ]);
  });
});
