import { CodegodError, ConfigError, ERROR_CODES } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_CODE_OF_ERROR, exitCodeOf } from './exit-code.js';

describe('exitCodeOf', () => {
  it('maps every error code to an exit code, and nothing else', () => {
    const exitCodes = new Set<number>(Object.values(EXIT));
    for (const code of ERROR_CODES) expect(exitCodes, code).toContain(EXIT_CODE_OF_ERROR[code]);
    expect(Object.keys(EXIT_CODE_OF_ERROR).sort()).toEqual([...ERROR_CODES].sort());
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('ends a failed run with 1 and bad input with 2', () => {
    expect(exitCodeOf(new CodegodError('decomposition-invalid', 'no plan'))).toBe(EXIT.failed);
    expect(exitCodeOf(new CodegodError('fleet-failed', 'pm2 is missing'))).toBe(EXIT.failed);
    expect(exitCodeOf(new ConfigError('llmBaseUrl', 'VLLM_API_URL', 'bad'))).toBe(EXIT.usage);
    expect(exitCodeOf(new CodegodError('llm-timeout', 'slow'))).toBe(EXIT.usage);
  });
});
