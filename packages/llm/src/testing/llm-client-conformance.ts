import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkReply, repairMessage } from '../check-reply.js';
import { LlmAbortedError } from '../errors/llm-aborted-error.js';
import { LlmCallError } from '../errors/llm-call-error.js';
import { LlmReplyInvalidError } from '../errors/llm-reply-invalid-error.js';
import { LlmTimeoutError } from '../errors/llm-timeout-error.js';
import type { ChatMessage, GenerateOptions, LlmClient } from '../llm-client.js';
import type { RecordedRequest, ScriptedRule } from './scripted-rule.js';

/** How the suite wants the client under test and its scripted backend set up. */
export interface LlmClientConformanceSetup {
  /** The backend's rules, tried in order. */
  rules: ScriptedRule[];
  /** The model the client asks for. */
  model: string;
  /** The models the backend serves (and `health()` lists). */
  models: string[];
  /** The client's `maxRepairs`. */
  maxRepairs: number;
  /** The client's per-request timeout in ms. */
  timeoutMs: number;
}

/** A client under test, wired to a scripted backend that records what it received. */
export interface LlmClientHarness {
  client: LlmClient;
  /** The requests the backend received, in order (RecordedRequest, as the scripted server records them). */
  requests(): RecordedRequest[];
  /** Stops the backend; runs after each test. */
  close(): Promise<void>;
}

/** Which kinds of backend the suite may assume. */
export interface LlmClientConformanceOptions {
  /** The backend speaks HTTP, so a fault can be an HTTP status (500). Default: true. */
  http?: boolean;
}

/** Builds a fresh client and backend for one test. */
export type LlmClientFactory = (setup: LlmClientConformanceSetup) => Promise<LlmClientHarness>;

/** Only guards against hangs; never measures speed. */
const HANG_GUARD_MS = 10_000;
const MODEL = 'conformance-model';

const planSchema = z.object({
  title: z.string().transform((title) => title.trim()),
  steps: z.array(z.object({ action: z.string(), target: z.string() })).min(1),
  confidence: z.number().min(0).max(1),
});
const goodPlan = {
  title: '  Serve /health  ',
  steps: [{ action: 'write_file', target: 'app.py' }],
  confidence: 0.8,
};
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are the backend agent.' },
  { role: 'user', content: 'Plan the task: add a /health route.' },
];

/** Runs `promise` and returns what it threw (fails the test if it resolved). */
async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected the call to throw');
}

/** Polls `check` until it is true; fails after HANG_GUARD_MS (a bound, not an assertion). */
async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + HANG_GUARD_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${HANG_GUARD_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The LlmClient contract. Every implementation runs it against a scripted backend:
 * `llmClientConformance('ScriptedLlmClient', async (setup) => ({ client, requests, close }))`.
 */
export function llmClientConformance(
  name: string,
  factory: LlmClientFactory,
  options: LlmClientConformanceOptions = {},
) {
  describe(`LlmClient conformance: ${name}`, () => {
    let harness: LlmClientHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    const start = async (setup: Partial<LlmClientConformanceSetup> = {}) => {
      harness = await factory({
        rules: [],
        model: MODEL,
        models: [MODEL],
        maxRepairs: 2,
        timeoutMs: 5_000,
        ...setup,
      });
      return harness;
    };
    const callOptions = (options: Partial<GenerateOptions> = {}): GenerateOptions => ({
      schemaName: 'plan',
      role: 'backend',
      phase: 'plan',
      runId: `run-${randomUUID()}`,
      ...options,
    });

    it('returns the schema output of a valid reply on the first attempt, with usage', async () => {
      const { client, requests } = await start({ rules: [{ reply: goodPlan }] });
      const result = await client.generate(planSchema, messages, callOptions());
      expect(result.value).toEqual(planSchema.parse(goodPlan));
      expect(result.value.title).toBe('Serve /health');
      expect(result.attempts).toBe(1);
      expect(result.usage.promptTokens).toBeGreaterThan(0);
      expect(result.usage.completionTokens).toBeGreaterThan(0);
      expect(result.usage.totalTokens).toBe(
        result.usage.promptTokens + result.usage.completionTokens,
      );
      expect(requests()).toHaveLength(1);
    });

    it('gets a minimal schema-valid value when no rule matches', async () => {
      const { client } = await start({ rules: [{ match: { contains: 'never sent' }, reply: 1 }] });
      const result = await client.generate(planSchema, messages, callOptions());
      expect(result.attempts).toBe(1);
      expect(result.value.steps).toHaveLength(1);
    });

    it('sends the messages, schema name, role, phase and run to the backend', async () => {
      const { client, requests } = await start();
      const options = callOptions({ role: 'frontend', phase: 'reason' });
      await client.generate(planSchema, messages, options);
      expect(requests()).toHaveLength(1);
      expect(requests()[0]).toMatchObject({
        role: 'frontend',
        phase: 'reason',
        runId: options.runId,
        schemaName: 'plan',
        messages,
      });
    });

    it.each([
      ['phase', { phase: 'review' }, { phase: 'plan' }],
      ['role', { role: 'devops' }, { role: 'backend' }],
      ['schemaName', { schemaName: 'review' }, { schemaName: 'plan' }],
    ] as const)(
      'lets a rule matching on %s answer only the calls it matches',
      async (_, chosen, other) => {
        const special = { ...goodPlan, title: 'special' };
        const { client } = await start({
          rules: [{ match: chosen, reply: special }, { reply: goodPlan }],
        });
        const answer = async (options: Partial<GenerateOptions>) =>
          (await client.generate(planSchema, messages, callOptions(options))).value.title;
        expect(await answer(other)).toBe('Serve /health');
        expect(await answer(chosen)).toBe('special');
        expect(await answer(other)).toBe('Serve /health');
      },
    );

    it('repairs an invalid-JSON reply, re-asking with the bad reply and its errors', async () => {
      const { client, requests } = await start({
        rules: [{ fault: 'invalid-json', times: 1 }, { reply: goodPlan }],
      });
      const result = await client.generate(planSchema, messages, callOptions());
      expect(result.attempts).toBe(2);
      expect(result.value).toEqual(planSchema.parse(goodPlan));
      expect(requests()).toHaveLength(2);
      const reask = requests()[1]!.messages;
      expect(reask.slice(0, messages.length)).toEqual(messages);
      expect(reask).toHaveLength(messages.length + 2);
      const [badReply, repair] = reask.slice(-2);
      expect(badReply!.role).toBe('assistant');
      expect(() => JSON.parse(badReply!.content)).toThrow();
      const check = checkReply(planSchema, badReply!.content, 'stop');
      expect(check.ok).toBe(false);
      expect(repair).toEqual({
        role: 'user',
        content: repairMessage('plan', check.ok ? [] : check.issues),
      });
      expect(repair!.content).toContain('not valid JSON');
    });

    it.each([0, 2])(
      'gives LlmReplyInvalidError (not retryable) with the raw reply after 1 + %i requests when the reply stays schema-invalid',
      async (maxRepairs) => {
        const { client, requests } = await start({
          maxRepairs,
          rules: [{ fault: 'schema-invalid' }],
        });
        const error = await thrown(client.generate(planSchema, messages, callOptions()));
        expect(error).toBeInstanceOf(LlmReplyInvalidError);
        const invalid = error as LlmReplyInvalidError;
        expect(invalid).toBeInstanceOf(LlmCallError);
        expect(invalid.isRetryable).toBe(false);
        expect(invalid.rawReply).toBe('[]');
        expect(invalid.attempts).toBe(1 + maxRepairs);
        expect(invalid.schemaName).toBe('plan');
        expect(invalid.issues.length).toBeGreaterThan(0);
        expect(requests()).toHaveLength(1 + maxRepairs);
        if (maxRepairs > 0) expect(requests().at(-1)!.messages.at(-2)!.content).toBe('[]');
      },
    );

    it('repairs a reply cut off at the token limit', async () => {
      const { client, requests } = await start({
        rules: [{ fault: 'length', times: 1, reply: goodPlan }, { reply: goodPlan }],
      });
      const result = await client.generate(planSchema, messages, callOptions());
      expect(result.attempts).toBe(2);
      expect(requests()[1]!.messages.at(-1)!.content).toContain('cut off');
    });

    it('gives LlmReplyInvalidError with the cut-off reply when every reply is cut off', async () => {
      const { client, requests } = await start({
        maxRepairs: 1,
        rules: [{ fault: 'length', reply: goodPlan }],
      });
      const error = await thrown(client.generate(planSchema, messages, callOptions()));
      expect(error).toBeInstanceOf(LlmReplyInvalidError);
      const invalid = error as LlmReplyInvalidError;
      expect(invalid.rawReply.length).toBeGreaterThan(0);
      expect(JSON.stringify(goodPlan).startsWith(invalid.rawReply)).toBe(true);
      expect(invalid.issues[0]).toContain('cut off');
      expect(requests()).toHaveLength(2);
    });

    it.skipIf(options.http === false)(
      'gives a retryable LlmCallError on HTTP 500, sending the request once (skipped for an embedded engine: it has no HTTP)',
      async () => {
        const { client, requests } = await start({ rules: [{ fault: 'http-500' }] });
        const error = await thrown(client.generate(planSchema, messages, callOptions()));
        expect(error).toBeInstanceOf(LlmCallError);
        expect(error).toMatchObject({ code: 'llm-server-error', isRetryable: true, status: 500 });
        expect(requests()).toHaveLength(1);
      },
    );

    it('gives LlmTimeoutError (retryable) when the backend hangs', {
      timeout: HANG_GUARD_MS,
    }, async () => {
      const { client, requests } = await start({ timeoutMs: 200, rules: [{ fault: 'hang' }] });
      const error = await thrown(client.generate(planSchema, messages, callOptions()));
      expect(error).toBeInstanceOf(LlmTimeoutError);
      expect(error).toMatchObject({ isRetryable: true, timeoutMs: 200 });
      expect(requests()).toHaveLength(1);
    });

    it('gives LlmTimeoutError when the reply comes later than the timeout', {
      timeout: HANG_GUARD_MS,
    }, async () => {
      const { client } = await start({
        timeoutMs: 200,
        rules: [{ reply: goodPlan, latencyMs: 60_000 }],
      });
      const error = await thrown(client.generate(planSchema, messages, callOptions()));
      expect(error).toBeInstanceOf(LlmTimeoutError);
    });

    it('gives LlmAbortedError (retryable) and sends nothing when the signal is already aborted', async () => {
      const { client, requests } = await start({ rules: [{ reply: goodPlan }] });
      const signal = AbortSignal.abort();
      const error = await thrown(client.generate(planSchema, messages, callOptions({ signal })));
      expect(error).toBeInstanceOf(LlmAbortedError);
      expect((error as LlmAbortedError).isRetryable).toBe(true);
      expect(requests()).toHaveLength(0);
    });

    it('gives LlmAbortedError when the signal aborts while the backend hangs', {
      timeout: HANG_GUARD_MS,
    }, async () => {
      // The timeout outlasts the test, so only the abort can end the call in time.
      const { client, requests } = await start({ timeoutMs: 600_000, rules: [{ fault: 'hang' }] });
      const controller = new AbortController();
      const pending = thrown(
        client.generate(planSchema, messages, callOptions({ signal: controller.signal })),
      );
      await eventually(() => requests().length === 1);
      controller.abort();
      expect(await pending).toBeInstanceOf(LlmAbortedError);
    });

    it('says health is ok and lists the model it serves', async () => {
      const { client } = await start();
      const health = await client.health();
      expect(health.ok).toBe(true);
      expect(health.models).toContain(MODEL);
      expect(health.message).toContain(MODEL);
    });

    it('says health is not ok, naming the model, when the backend does not serve it', async () => {
      const { client } = await start({ model: 'missing-model', models: [MODEL, 'other-model'] });
      const health = await client.health();
      expect(health.ok).toBe(false);
      expect(health.models).toEqual([MODEL, 'other-model']);
      expect(health.message).toContain('"missing-model"');
      expect(health.message).toContain(`"${MODEL}"`);
    });

    it.skipIf(options.http === false)(
      'uses the one model a backend serves under another name, with a warning (skipped for an embedded engine: it loads one model file and has no served names)',
      async () => {
        const { client, requests } = await start({
          model: 'tiny',
          rules: [{ reply: goodPlan }],
        });
        const health = await client.health();
        expect(health).toMatchObject({ ok: true, models: [MODEL] });
        expect(health.warning).toContain(`serves one model, "${MODEL}", not "tiny"`);
        await client.generate(planSchema, messages, callOptions());
        expect((requests()[0]!.body as { model?: string }).model).toBe(MODEL);
      },
    );
  });
}
