import { z } from 'zod';

/**
 * Faults in how the reply travels: only the scripted server can play them over HTTP. The
 * ScriptedLlmClient raises the error the real adapter raises for each instead.
 * - `trickle`: headers at once, then the body one byte every `trickleMs`.
 * - `html`, `text-plain`: HTTP 200 with a web page or plain text instead of JSON.
 * - `not-json`: HTTP 200, `application/json`, and a body cut in half.
 * - `broken-chunking`: a chunked body whose framing is invalid, then the connection closes.
 * - `huge-reply`: a reply whose content is `replyBytes` long, streamed.
 */
export const TRANSPORT_FAULTS = [
  'trickle',
  'html',
  'text-plain',
  'not-json',
  'broken-chunking',
  'huge-reply',
] as const;

/** A fault in how the reply travels. */
export type TransportFault = (typeof TRANSPORT_FAULTS)[number];

/**
 * The faults a ScriptedRule can inject instead of a normal reply: the transport faults, plus
 * - `http-500`; `hang` (never answers);
 * - `invalid-json`, `schema-invalid`, `length` (a cut-off reply with finish_reason `length`);
 * - `deep-nesting`: content nested `nestingDepth` levels deep;
 * - `negative-usage`: a normal reply whose `usage` figures are negative.
 */
export const SCRIPTED_FAULTS = [
  'http-500',
  'hang',
  'invalid-json',
  'schema-invalid',
  'length',
  'deep-nesting',
  'negative-usage',
  ...TRANSPORT_FAULTS,
] as const;

/** A fault a ScriptedRule can inject. */
export type ScriptedFault = (typeof SCRIPTED_FAULTS)[number];

/** True for the faults in how a reply travels (see TRANSPORT_FAULTS). */
export function isTransportFault(fault: ScriptedFault | undefined): fault is TransportFault {
  return (TRANSPORT_FAULTS as readonly string[]).includes(fault ?? '');
}

/** Defaults of the fault parameters of a ScriptedRule. */
export const FAULT_DEFAULTS = {
  /** `trickle`: one byte this often, in ms. */
  trickleMs: 1000,
  /** `huge-reply`: content length in bytes (above the client's default 4 MiB limit). */
  replyBytes: 8 * 1024 * 1024,
  /** `deep-nesting`: levels of nested arrays. */
  nestingDepth: 100_000,
} as const;

/** One chat completion request as the scripted server received it. */
export interface RecordedRequest {
  /** From header `x-codegod-role`. */
  role?: string;
  /** From header `x-codegod-phase`. */
  phase?: string;
  /** From header `x-codegod-run`. */
  runId?: string;
  /** `response_format.json_schema.name`. */
  schemaName?: string;
  /** The messages, with multi-part content joined into one string. */
  messages: { role: string; content: string }[];
  /** The whole parsed request body. */
  body: unknown;
}

/** How the scripted server answers matching requests. */
export interface ScriptedRule {
  /** All given fields must match (AND). role/phase come from headers x-codegod-role / x-codegod-phase;
   *  schemaName is response_format.json_schema.name; contains is a substring of any message content. */
  match?: { role?: string; phase?: string; schemaName?: string; contains?: string };
  /** JSON value returned as the assistant message content (stringified). A function gets the recorded request. */
  // Spelled as a union without `unknown` so an arrow function here gets `request` typed.
  reply?: ((request: RecordedRequest) => unknown) | object | string | number | boolean | null;
  /** How many requests this rule answers before it is exhausted. Default: unlimited. */
  times?: number;
  /**
   * Delay before answering, in ms. The scripted server counts it from the request's arrival,
   * so reading and checking the request take part of it rather than adding to it.
   */
  latencyMs?: number;
  /** Fault to inject instead of a normal reply. */
  fault?: ScriptedFault;
  /** `trickle`: ms between the bytes of the body. Default: 1000. */
  trickleMs?: number;
  /** `huge-reply`: length of the content in bytes. Default: 8388608 (8 MiB). */
  replyBytes?: number;
  /** `deep-nesting`: how many arrays deep the content nests. Default: 100000. */
  nestingDepth?: number;
}

/** A rule as written in a rules file (JSON: no reply functions). */
export const scriptedRuleSchema = z
  .object({
    match: z
      .object({
        role: z.string().optional(),
        phase: z.string().optional(),
        schemaName: z.string().optional(),
        contains: z.string().optional(),
      })
      .strict()
      .optional(),
    reply: z.json().optional(),
    times: z.number().int().min(1).optional(),
    latencyMs: z.number().int().min(0).optional(),
    fault: z.enum(SCRIPTED_FAULTS).optional(),
    trickleMs: z.number().int().min(1).optional(),
    replyBytes: z.number().int().min(1).optional(),
    nestingDepth: z.number().int().min(1).optional(),
  })
  .strict();

/** A rules file: a JSON array of rules, tried in order. */
export const scriptedRulesFileSchema = z.array(scriptedRuleSchema);

/** True when every field `rule.match` gives equals the request's (AND); no match means any. */
export function ruleMatches(rule: ScriptedRule, request: RecordedRequest): boolean {
  const match = rule.match ?? {};
  if (match.role !== undefined && match.role !== request.role) return false;
  if (match.phase !== undefined && match.phase !== request.phase) return false;
  if (match.schemaName !== undefined && match.schemaName !== request.schemaName) return false;
  if (match.contains !== undefined)
    return request.messages.some((message) => message.content.includes(match.contains!));
  return true;
}
