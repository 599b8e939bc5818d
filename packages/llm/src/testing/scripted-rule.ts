import { z } from 'zod';

/** The faults a ScriptedRule can inject instead of a normal reply. */
export const SCRIPTED_FAULTS = [
  'http-500',
  'hang',
  'invalid-json',
  'schema-invalid',
  'length',
] as const;

/** A fault a ScriptedRule can inject. */
export type ScriptedFault = (typeof SCRIPTED_FAULTS)[number];

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
  /** Delay before answering, in ms. */
  latencyMs?: number;
  /** Fault to inject instead of a normal reply. */
  fault?: ScriptedFault;
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
