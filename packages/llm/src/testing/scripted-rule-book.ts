import type { TokenUsage } from '@codegod/protocol';
import { minimalJsonValue } from './minimal-json-value.js';
import {
  FAULT_DEFAULTS,
  isTransportFault,
  type RecordedRequest,
  ruleMatches,
  type ScriptedRule,
  type TransportFault,
} from './scripted-rule.js';

/**
 * What a scripted backend does with one request. The scripted server turns it into HTTP, the
 * ScriptedLlmClient into a return value or an LlmCallError, so both answer a rule the same way.
 * `usage` is what the server reports, impossible figures included.
 */
export type ScriptedOutcome =
  | { kind: 'hang' }
  | { kind: 'http-error'; status: number; message: string }
  | { kind: 'transport-fault'; fault: TransportFault; rule: ScriptedRule; reply: ScriptedReply }
  | ({ kind: 'reply' } & ScriptedReply);

/** A reply as the scripted backend sends it. */
export interface ScriptedReply {
  content: string;
  finishReason: 'stop' | 'length';
  usage: TokenUsage;
}

/** The rules of a scripted backend and how often each has answered (for `times`). */
export class ScriptedRuleBook {
  private rules: ScriptedRule[] = [];
  private answered: number[] = [];

  constructor(rules: ScriptedRule[] = []) {
    this.setRules(rules);
  }

  /** Replaces the rules and restarts their `times` counters. */
  setRules(rules: ScriptedRule[]): void {
    this.rules = rules;
    this.answered = rules.map(() => 0);
  }

  /** The first matching rule that is not used up, counted as used; undefined for the default. */
  pick(request: RecordedRequest): ScriptedRule | undefined {
    const index = this.rules.findIndex(
      (rule, i) =>
        (rule.times === undefined || this.answered[i]! < rule.times) && ruleMatches(rule, request),
    );
    if (index < 0) return undefined;
    this.answered[index]!++;
    return this.rules[index];
  }
}

/** A rough token count (4 characters a token), so usage is non-zero and grows with the text. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * What `rule` (or, without one, the default: a minimal value valid for `schema`, the request's
 * JSON schema) does with `request`, faults included.
 */
export function scriptedOutcome(
  rule: ScriptedRule | undefined,
  request: RecordedRequest,
  schema: unknown,
): ScriptedOutcome {
  if (rule?.fault === 'hang') return { kind: 'hang' };
  if (rule?.fault === 'http-500')
    return { kind: 'http-error', status: 500, message: 'scripted fault: internal server error' };
  const { content, finishReason } = replyContent(rule, request, schema);
  const promptTokens = estimateTokens(request.messages.map((m) => m.content).join(''));
  const completionTokens = estimateTokens(content);
  const usage =
    rule?.fault === 'negative-usage'
      ? { promptTokens: -1_000_000, completionTokens: -5, totalTokens: -1_000_005 }
      : { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
  const reply = { content, finishReason, usage };
  if (rule && isTransportFault(rule.fault))
    return { kind: 'transport-fault', fault: rule.fault, rule, reply };
  return { kind: 'reply', ...reply };
}

/** The content a rule (or the default) produces, and the finish reason to send with it. */
function replyContent(
  rule: ScriptedRule | undefined,
  request: RecordedRequest,
  schema: unknown,
): { content: string; finishReason: 'stop' | 'length' } {
  const value =
    rule?.reply === undefined
      ? minimalJsonValue(schema ?? { type: 'object' })
      : typeof rule.reply === 'function'
        ? (rule.reply as (request: RecordedRequest) => unknown)(request)
        : rule.reply;
  const content = JSON.stringify(value) ?? 'null';
  switch (rule?.fault) {
    case 'invalid-json':
      return { content: '{"scripted": "this reply is not valid JSON', finishReason: 'stop' };
    case 'schema-invalid':
      // A top-level value of the wrong type fails any object or array schema.
      return {
        content: (schema as { type?: unknown } | undefined)?.type === 'array' ? '{}' : '[]',
        finishReason: 'stop',
      };
    case 'length':
      return { content: content.slice(0, Math.ceil(content.length / 2)), finishReason: 'length' };
    case 'deep-nesting': {
      const depth = rule?.nestingDepth ?? FAULT_DEFAULTS.nestingDepth;
      return { content: `${'['.repeat(depth)}${']'.repeat(depth)}`, finishReason: 'stop' };
    }
    default:
      return { content, finishReason: 'stop' };
  }
}
