import { LlmCallError } from './llm-call-error.js';

/** The server does not serve the configured model (HTTP 404). Not retryable. */
export class LlmModelNotFoundError extends LlmCallError {
  /** The model that was asked for. */
  readonly model: string;

  constructor(baseURL: string, model: string, detail: string, cause?: unknown) {
    super(
      'llm-model-not-found',
      `The LLM server at ${baseURL} does not serve model "${model}" (${detail}). Set LLM_MODEL to a model listed at ${baseURL}/models, and check that VLLM_API_URL ends in /v1.`,
      baseURL,
      { isRetryable: false, cause },
    );
    this.model = model;
  }
}
