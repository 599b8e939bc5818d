import { LlmCallError } from './llm-call-error.js';

/**
 * The server's reply was larger than `maxReplyBytes`. Reading stopped at the limit, so the
 * reply is neither kept nor echoed back into a repair. Not retryable: a server that streams
 * megabytes for a reply capped at a few thousand tokens is broken or hostile.
 */
export class LlmReplyTooLargeError extends LlmCallError {
  /** The limit that was passed, in bytes. */
  readonly maxReplyBytes: number;

  constructor(url: string, baseURL: string, maxReplyBytes: number) {
    super(
      'llm-reply-too-large',
      `The LLM server's reply from ${url} was larger than ${maxReplyBytes} bytes, so it was dropped unread. Check that VLLM_API_URL points at the model server, or raise LLM_MAX_REPLY_BYTES.`,
      baseURL,
      { isRetryable: false },
    );
    this.maxReplyBytes = maxReplyBytes;
  }
}
