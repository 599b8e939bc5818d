import type { ChatMessage } from './llm-client.js';

/** The parts of a prompt, from most stable to most specific. */
export interface PromptParts {
  /** The role's system prompt. Identical across all calls of a role. */
  system: string;
  /** The action catalogue or other reference text, identical across calls of a role. */
  catalogue?: string;
  /** Task-specific content (task, observation, memory, errors). Changes every call. */
  context: string;
}

/**
 * Lays a prompt out stable-first so vLLM's automatic prefix caching reuses the system prompt
 * and catalogue across calls: one system message (prompt + catalogue), then one user message
 * with the context. Some chat templates (Mistral, Gemma) reject a second system message, so the
 * catalogue is appended to the first rather than sent on its own.
 */
export function buildMessages(parts: PromptParts): ChatMessage[] {
  const system = parts.catalogue ? `${parts.system}\n\n${parts.catalogue}` : parts.system;
  return [
    { role: 'system', content: system },
    { role: 'user', content: parts.context },
  ];
}
