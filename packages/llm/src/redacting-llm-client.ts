import type { z } from 'zod';
import type { ChatMessage, GenerateOptions, GenerateResult, LlmClient } from './llm-client.js';

/**
 * An LlmClient that passes the content of every message through `redact` before `client`
 * sends it: the one gate between what a run saw (command output, files, failures) and a
 * prompt. The reply is not redacted; the model can only repeat what it was shown.
 */
export function redactingLlmClient(client: LlmClient, redact: (text: string) => string): LlmClient {
  return {
    generate<S extends z.ZodType>(
      schema: S,
      messages: ChatMessage[],
      options: GenerateOptions,
    ): Promise<GenerateResult<z.output<S>>> {
      const redacted = messages.map((message) => ({
        ...message,
        content: redact(message.content),
      }));
      return client.generate(schema, redacted, options);
    },
    health: () => client.health(),
  };
}
