import { z } from 'zod';

/**
 * The kinds of OpenAI-compatible server whose guided decoding codegod knows. `generic` is any
 * other (OpenAI itself, LM Studio, a proxy): it is sent the whole schema.
 */
export const SERVER_KINDS = ['vllm', 'llama.cpp', 'ollama', 'generic'] as const;
/** A kind of OpenAI-compatible server. */
export type ServerKind = (typeof SERVER_KINDS)[number];
/** A server kind, or `auto` to detect it from `GET /v1/models`. */
export const serverKindSettingSchema = z.enum(['auto', ...SERVER_KINDS]);

/** `owned_by` of `/v1/models` entries, as each server writes it. */
const OWNERS: Readonly<Record<string, ServerKind>> = {
  vllm: 'vllm',
  llamacpp: 'llama.cpp',
  library: 'ollama',
  ollama: 'ollama',
};

/**
 * The server kind its `/v1/models` entries show: vLLM answers `owned_by: "vllm"`, llama.cpp's
 * llama-server `"llamacpp"`, Ollama `"library"` (or `"ollama"`); anything else is generic.
 */
export function serverKindFromModels(entries: readonly { owned_by?: unknown }[]): ServerKind {
  for (const entry of entries) {
    const kind = typeof entry.owned_by === 'string' ? OWNERS[entry.owned_by] : undefined;
    if (kind) return kind;
  }
  return 'generic';
}
