import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatMessage, GenerateOptions, GenerateResult, LlmClient } from '@codegod/llm';
import { CodegodError, ConfigError } from '@codegod/protocol';
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

const SETTINGS = {
  attempts: { env: 'CODEGOD_MASTER_LLM_ATTEMPTS', min: 1, max: 10, fallback: 3 },
  backoffMs: { env: 'CODEGOD_MASTER_LLM_BACKOFF_MS', min: 0, max: 600_000, fallback: 1000 },
} as const;

function resolve(option: keyof typeof SETTINGS, options: LlmRetryOptions): number {
  const spec = SETTINGS[option];
  const raw = options[option] ?? (options.env ?? process.env)[spec.env];
  const parsed = z.coerce
    .number()
    .int()
    .min(spec.min)
    .max(spec.max)
    .default(spec.fallback)
    .safeParse(raw === '' ? undefined : raw);
  if (!parsed.success) {
    throw new ConfigError(
      option,
      options[option] === undefined ? spec.env : undefined,
      `expected a whole number from ${spec.min} to ${spec.max} (got ${JSON.stringify(raw)})`,
    );
  }
  return parsed.data;
}

/**
 * An LlmClient that calls again after a transient failure (a timeout, HTTP 5xx or 429, a dropped
 * connection): the master's own calls (decomposition, replans), which no task bus retries.
 * After the last call the error keeps its code and says how many calls were made and which
 * variable sets that; an error that is not transient (a rejected request, an invalid reply) is
 * thrown at once. Throws ConfigError on bad settings.
 */
export function retryingLlmClient(client: LlmClient, options: LlmRetryOptions = {}): LlmClient {
  const attempts = resolve('attempts', options);
  const backoffMs = resolve('backoffMs', options);
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
