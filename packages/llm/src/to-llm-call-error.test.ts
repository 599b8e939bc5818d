import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { describe, expect, it } from 'vitest';
import { RejectedReply } from './bounded-fetch.js';
import { LlmAbortedError } from './errors/llm-aborted-error.js';
import { LlmModelNotFoundError } from './errors/llm-model-not-found-error.js';
import { LlmRequestRejectedError } from './errors/llm-request-rejected-error.js';
import { LlmServerError } from './errors/llm-server-error.js';
import { LlmTimeoutError } from './errors/llm-timeout-error.js';
import { LlmUnavailableError } from './errors/llm-unavailable-error.js';
import { toLlmCallError } from './to-llm-call-error.js';

const context = { baseURL: 'http://gpu:8000/v1', model: 'm', timeoutMs: 100 };
const status = (code: number) =>
  APIError.generate(code, { message: `status ${code}` }, undefined, new Headers());

describe('toLlmCallError', () => {
  it.each([
    [new APIConnectionTimeoutError(), LlmTimeoutError, true],
    [new APIUserAbortError(), LlmAbortedError, true],
    [new APIConnectionError({ message: 'ECONNREFUSED' }), LlmUnavailableError, true],
    [status(404), LlmModelNotFoundError, false],
    [status(500), LlmServerError, true],
    [status(503), LlmServerError, true],
    [status(429), LlmServerError, true],
    [status(401), LlmRequestRejectedError, false],
    [status(400), LlmRequestRejectedError, false],
  ])('maps %s', (error, type, retryable) => {
    const mapped = toLlmCallError(error, context);
    expect(mapped).toBeInstanceOf(type);
    expect((mapped as LlmServerError).isRetryable).toBe(retryable);
    expect((mapped as Error).cause).toBe(error);
  });

  it('unwraps a reply boundedFetch rejected, whatever the SDK wrapped it in', () => {
    const rejected = new LlmServerError('http://gpu:8000/v1', 200, 'an HTML page');
    const wrapped = new APIConnectionError({ message: 'x', cause: new RejectedReply(rejected) });
    expect(toLlmCallError(wrapped, context)).toBe(rejected);
  });

  it('quotes an error body on one clean line', () => {
    const page = `<html>\n<title>\x1b]0;pwned\x07Bad Gateway</title>\n${'x'.repeat(5000)}</html>`;
    const mapped = toLlmCallError(
      APIError.generate(502, undefined, page, new Headers()),
      context,
    ) as LlmServerError;
    expect(mapped).toBeInstanceOf(LlmServerError);
    for (const control of ['\n', '\x1b', '\x07']) expect(mapped.message).not.toContain(control);
    expect(mapped.message).toContain('<title>Bad Gateway</title>');
    expect(mapped.message.length).toBeLessThan(500);
  });

  it('says the status once, and promises no retry it cannot see', () => {
    const mapped = toLlmCallError(
      APIError.generate(500, { message: 'model crashed' }, 'model crashed', new Headers()),
      context,
    ) as LlmServerError;
    expect(mapped.message).toBe(
      "The LLM server at http://gpu:8000/v1 answered HTTP 500: model crashed. Check the LLM server's logs.",
    );
  });

  it('passes errors that are not the SDK’s through unchanged', () => {
    const bug = new TypeError('x is undefined');
    expect(toLlmCallError(bug, context)).toBe(bug);
  });
});
