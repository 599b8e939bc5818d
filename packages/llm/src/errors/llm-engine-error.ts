import { LlmCallError } from './llm-call-error.js';

/**
 * The embedded engine could not run: node-llama-cpp is not installed, the model file is
 * missing or unreadable, or the engine failed while generating. Not retryable: the same
 * process would fail the same way.
 */
export class LlmEngineError extends LlmCallError {
  constructor(location: string, message: string, cause?: unknown) {
    super('llm-engine-error', message, location, { isRetryable: false, cause });
  }
}
