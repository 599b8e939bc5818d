import { jsonNestingDepth, MAX_JSON_NESTING_DEPTH, oneLine } from '@codegod/protocol';
import type { LlmCallError } from './errors/llm-call-error.js';
import { LlmReplyTooLargeError } from './errors/llm-reply-too-large-error.js';
import { LlmServerError } from './errors/llm-server-error.js';

/** Settings of boundedFetch. */
export interface BoundedFetchOptions {
  /** The server base URL, named by the errors. */
  baseURL: string;
  /** Largest reply body read, in bytes (after decompression); a larger one is dropped unread. */
  maxReplyBytes: number;
  /** The fetch that does the HTTP. Default: the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Carries a reply problem through the `openai` client, which wraps anything its fetch throws
 * in an APIConnectionError. The message is fixed on purpose: the client reads "timed out" in a
 * thrown error's text as a timeout, and a server's HTML page may well say so.
 */
export class RejectedReply extends Error {
  constructor(readonly error: LlmCallError) {
    super('the reply was rejected by codegod');
    this.name = 'RejectedReply';
  }
}

const ADVICE =
  'Is VLLM_API_URL the /v1 URL of an OpenAI-compatible server? A proxy or another server may be answering.';

/**
 * A fetch for the `openai` client that reads the whole reply body before handing it over, so
 * the request's signal (the call's one deadline) also covers a body trickled after the
 * headers; stops at `maxReplyBytes`; and turns a success that is not JSON (an HTML page,
 * plain text, a broken chunked body, JSON nested past MAX_JSON_NESTING_DEPTH) into one
 * LlmServerError naming the URL and what came back, instead of a parse error deep in the SDK.
 */
export function boundedFetch(options: BoundedFetchOptions): typeof fetch {
  const inner = options.fetch ?? globalThis.fetch;
  const { baseURL } = options;
  return async (input, init) => {
    const response = await inner(input, init);
    const url = requestUrl(input);
    if (response.status < 200 || response.status > 599) {
      await response.body?.cancel().catch(() => {});
      throw new RejectedReply(
        new LlmServerError(
          baseURL,
          response.status,
          `${url} sent no usable reply`,
          undefined,
          ADVICE,
        ),
      );
    }
    const body = await readBody(response, url, init?.signal ?? undefined, options);
    if (response.ok) checkJsonBody(response, url, body.toString('utf8'), baseURL);
    const headers = new Headers(response.headers);
    // The body is now decoded text of a known length.
    for (const name of ['content-encoding', 'content-length', 'transfer-encoding'])
      headers.delete(name);
    // The bytes, not the text: the SDK decodes them itself, so nothing is encoded twice.
    return new Response(NULL_BODY_STATUSES.includes(response.status) ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

// A Response with one of these statuses must not have a body.
const NULL_BODY_STATUSES = [204, 205, 304];

/** Reads the whole body, under `signal` and the size limit. */
async function readBody(
  response: Response,
  url: string,
  signal: AbortSignal | undefined,
  { baseURL, maxReplyBytes }: BoundedFetchOptions,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxReplyBytes) {
    await response.body?.cancel().catch(() => {});
    throw new RejectedReply(new LlmReplyTooLargeError(url, baseURL, maxReplyBytes));
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  // A fetch that ignores the signal once the headers are in would still hang the read.
  let fail: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    fail = () => reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
    if (signal?.aborted) fail();
    else signal?.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      size += value.byteLength;
      if (size > maxReplyBytes)
        throw new RejectedReply(new LlmReplyTooLargeError(url, baseURL, maxReplyBytes));
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    if (error instanceof RejectedReply || signal?.aborted) throw error;
    throw new RejectedReply(
      new LlmServerError(
        baseURL,
        response.status,
        `the connection broke while ${url} was sending its reply (${describeError(error)}) after ${size} bytes`,
        error,
      ),
    );
  } finally {
    signal?.removeEventListener('abort', fail);
  }
  return Buffer.concat(chunks);
}

/** The URL a fetch input names, for messages. */
function requestUrl(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/** "terminated: other side closed": an error and its cause, on one line. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  return oneLine(cause && cause !== message ? `${message}: ${cause}` : message, 120);
}

/** Throws a RejectedReply unless a successful reply is JSON the SDK can read safely. */
function checkJsonBody(response: Response, url: string, text: string, baseURL: string): void {
  const contentType = response.headers.get('content-type') ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const what = (problem: string) =>
    new RejectedReply(
      new LlmServerError(
        baseURL,
        response.status,
        `${url} sent ${problem}, starting ${JSON.stringify(oneLine(text, 80))}`,
        undefined,
        ADVICE,
      ),
    );
  if (!(mediaType.includes('application/json') || mediaType.endsWith('+json')))
    throw what(`${mediaType ? `content type ${mediaType}` : 'no content type'} instead of JSON`);
  const depth = jsonNestingDepth(text, MAX_JSON_NESTING_DEPTH);
  if (depth > MAX_JSON_NESTING_DEPTH)
    throw what(`JSON nested more than ${MAX_JSON_NESTING_DEPTH} levels deep`);
  try {
    JSON.parse(text);
  } catch (error) {
    throw what(`a body that is not JSON (${oneLine((error as Error).message, 80)})`);
  }
}
