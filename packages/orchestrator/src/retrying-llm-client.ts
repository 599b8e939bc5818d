import { setTimeout as sleep } from 'node:timers/promises';
import { defineSettings } from '@codegod/config';
import type { ChatMessage, GenerateOptions, GenerateResult, LlmClient } from '@codegod/llm';
import { CodegodError } from '@codegod/protocol';
import { z } from 'zod';

/** Settings of `retryingLlmClient`. */
export interface LlmRetryOptions {
  /** Calls in all, the first included. Env `CODEGOD_MASTER_LLM_ATTEMPTS`. Default: 3. */
  attempts?: number;
  /** Wait before the 2nd call, doubling after. Env `CODEGOD_MASTER_LLM_BACKOFF_MS`. Default: 1000. */
  backoffMs?: number;
  /** Told about each transient failure that will be retried. */
  onRetry?: (error: CodegodError, attempt: number, call: GenerateOptions) => void;
  /** Where settings not given as options are read from. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The master's own retries of a transient LLM failure. */
const RETRY_SETTINGS = defineSettings({
  attempts: {
    env: 'CODEGOD_MASTER_LLM_ATTEMPTS',
    schema: z.coerce.number().int().min(1).max(10).default(3),
  },
  backoffMs: {
    env: 'CODEGOD_MASTER_LLM_BACKOFF_MS',
    schema: z.coerce.number().int().min(0).max(600_000).default(1000),
  },
});

/**
 * An LlmClient that calls again after a transient failure (a timeout, HTTP 5xx or 429, a dropped
 * connection): the master's own calls (decomposition, replans), which no task bus retries.
 * After the last call the error keeps its code and says how many calls were made and which
 * variable sets that; an error that is not transient (a rejected request, an invalid reply) is
 * thrown at once. Throws ConfigError on bad settings.
 */
export function retryingLlmClient(client: LlmClient, options: LlmRetryOptions = {}): LlmClient {
  const { attempts, backoffMs } = RETRY_SETTINGS.resolve(options, options.env);
  return {
    async generate<S extends z.ZodType>(
      schema: S,
      messages: ChatMessage[],
      generateOptions: GenerateOptions,
    ): Promise<GenerateResult<z.output<S>>> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await client.generate(schema, messages, generateOptions);
        } catch (error) {
          if (!CodegodError.is(error) || !error.isRetryable || generateOptions.signal?.aborted) {
            throw error;
          }
          if (attempt >= attempts) {
            const calls = attempt === 1 ? '1 call' : `${attempt} calls`;
            throw new CodegodError(
              error.code,
              `${error.message} (gave up after ${calls}; CODEGOD_MASTER_LLM_ATTEMPTS sets how many)`,
              { isRetryable: true, cause: error },
            );
          }
          options.onRetry?.(error, attempt, generateOptions);
          const signal = generateOptions.signal;
          await sleep(backoffMs * 2 ** (attempt - 1), undefined, signal ? { signal } : {});
        }
      }
    },
    health: () => client.health(),
  };
}
