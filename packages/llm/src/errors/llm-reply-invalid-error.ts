import { LlmCallError } from './llm-call-error.js';

/**
 * The model kept replying with something that is not valid JSON for the schema, even after
 * being re-asked with the errors. Not retryable: the same prompt will likely fail the same way.
 */
export class LlmReplyInvalidError extends LlmCallError {
  /** The last raw reply, exactly as the model sent it. */
  readonly rawReply: string;
  /** What was wrong with the last reply, one line per problem. */
  readonly issues: string[];
  /** How many replies were tried (1 + re-asks). */
  readonly attempts: number;
  /** The schema name the reply had to match. */
  readonly schemaName: string;

  constructor(
    baseURL: string,
    details: { schemaName: string; rawReply: string; issues: string[]; attempts: number },
  ) {
    const shown = details.issues.slice(0, 3).join('; ');
    super(
      'llm-reply-invalid',
      `The model's reply for schema "${details.schemaName}" stayed invalid after ${details.attempts} attempts (${shown}). Try a larger model, or simplify the schema or prompt.`,
      baseURL,
      { isRetryable: false },
    );
    this.rawReply = details.rawReply;
    this.issues = details.issues;
    this.attempts = details.attempts;
    this.schemaName = details.schemaName;
  }
}
