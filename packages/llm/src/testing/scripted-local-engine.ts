import type {
  LocalEngine,
  LocalEngineInfo,
  LocalEngineReply,
  LocalEngineRequest,
} from '../embedded/local-engine.js';
import type { RecordedRequest, ScriptedRule } from './scripted-rule.js';
import { ScriptedRuleBook, scriptedOutcome } from './scripted-rule-book.js';

/**
 * A LocalEngine that answers from ScriptedRule[] (the scripted server's rules), so the
 * embedded client's own logic (deadline, sequence pool, repairs, errors) runs the conformance
 * suite without a model. `hang` waits for the signal; `http-500` and transport faults fail the
 * way an engine fails, with a plain error.
 */
export class ScriptedLocalEngine implements LocalEngine {
  readonly location = 'local:/scripted/model.gguf';
  /** Every request, as the scripted server would record it. */
  readonly requests: RecordedRequest[] = [];
  private readonly ruleBook: ScriptedRuleBook;

  constructor(
    rules: ScriptedRule[] = [],
    private readonly models: string[] = ['model'],
  ) {
    this.ruleBook = new ScriptedRuleBook(rules);
  }

  async load(): Promise<LocalEngineInfo> {
    return { models: this.models, detail: 'scripted' };
  }

  async complete(request: LocalEngineRequest): Promise<LocalEngineReply> {
    const messages = request.messages.map(({ role, content }) => ({ role, content }));
    const recorded: RecordedRequest = {
      role: request.role,
      phase: request.phase,
      runId: request.runId,
      schemaName: request.schemaName,
      messages,
      body: { messages, max_tokens: request.maxTokens, json_schema: request.jsonSchema },
    };
    this.requests.push(recorded);
    const rule = this.ruleBook.pick(recorded);
    if (rule?.latencyMs) await wait(rule.latencyMs, request.signal);
    const outcome = scriptedOutcome(rule, recorded, request.jsonSchema);
    if (outcome.kind === 'hang') {
      await wait(Number.POSITIVE_INFINITY, request.signal);
      throw new Error('unreachable: a hang ends only by its signal');
    }
    if (outcome.kind === 'http-error')
      throw new Error(`scripted engine failure: ${outcome.message}`);
    if (outcome.kind === 'transport-fault')
      throw new Error(`scripted engine failure: ${outcome.fault}`);
    return { content: outcome.content, finishReason: outcome.finishReason, usage: outcome.usage };
  }

  async close(): Promise<void> {}
}

/** Resolves after `ms` (never for Infinity); rejects as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = Number.isFinite(ms) ? setTimeout(resolve, ms) : undefined;
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
