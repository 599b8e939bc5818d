import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionDefinition } from '@codegod/actions';
import type { ChatMessage, GenerateOptions, LlmClient } from '@codegod/llm';
import { createInMemoryMemoryStore, InMemoryRunFactStore } from '@codegod/memory';
import {
  CodegodError,
  emptyAgentMemory,
  type Observation,
  type RunEvent,
  type Task,
} from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAgent } from './agent.js';
import type { AgentLimitsInput } from './agent-limits.js';
import { COMPLETED_TASKS_KEPT } from './task-run.js';
import { createFileToolkit } from './testing/index.js';

// A tiny in-test LlmClient: `respond` answers each call; the reply is parsed with the schema,
// as the real client does.
type Respond = (call: GenerateOptions & { messages: ChatMessage[] }) => unknown;
function stubLlm(respond: Respond, tokensPerCall = 10) {
  const calls: (GenerateOptions & { messages: ChatMessage[] })[] = [];
  const llm: LlmClient = {
    async generate<S extends z.ZodType>(
      schema: S,
      messages: ChatMessage[],
      options: GenerateOptions,
    ) {
      const call = { ...options, messages };
      calls.push(call);
      const value = schema.parse(await respond(call)) as z.output<S>;
      const usage = {
        promptTokens: tokensPerCall,
        completionTokens: 0,
        totalTokens: tokensPerCall,
      };
      return { value, usage, attempts: 1 };
    },
    async health() {
      return { ok: true, models: [], message: 'stub' };
    },
  };
  return { llm, calls };
}

const reasoning = {
  problem_analysis: 'hello.txt must say hi',
  root_causes: ['it does not exist'],
  approach: 'write it',
  risks: [],
  success_criteria: ['hello.txt contains hi'],
  conclusion: 'write hello.txt',
};
const step = (action: string, args: unknown) => ({
  action,
  target: 'hello.txt',
  method: action,
  expected: 'done',
  args,
});
// The one reply of an iteration: the Reasoning fields, then the Plan's.
const planOf = (...steps: ReturnType<typeof step>[]) => ({
  ...reasoning,
  steps,
  estimated_duration: '1 minute',
  confidence: 0.9,
});
const writeHello = (content: string) => step('write_file', { path: 'hello.txt', content });

const task: Task = {
  id: 'say-hi',
  description: 'Write hi into hello.txt',
  role: 'backend',
  depends_on: [],
};

describe('createAgent', () => {
  let workspace: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    workspace = await tempDir('codegod-agent-');
  });
  afterEach(async () => {
    await workspace.remove();
  });

  /** An agent over the file toolkit; `onStep` sees each event after it is collected. */
  function setup(
    respond: Respond,
    limits: AgentLimitsInput = {},
    tokensPerCall = 10,
    onStep?: (event: RunEvent) => Promise<void>,
  ) {
    const memory = createInMemoryMemoryStore();
    const events: RunEvent[] = [];
    const { llm, calls } = stubLlm(respond, tokensPerCall);
    const agent = createAgent({
      agentId: 'backend-1',
      toolkit: createFileToolkit({ path: 'hello.txt', content: 'hi' }),
      llm,
      memory,
      recordStep: (event) => {
        events.push(event);
        return onStep?.(event);
      },
      limits,
    });
    const run = (signal?: AbortSignal) =>
      agent.run(task, { runId: 'run-1', workspace: workspace.path, signal });
    const phases = () =>
      events.map((e) => (e.type === 'task-step' ? `${e.iteration}:${e.phase}` : e.type));
    return { agent, memory, events, calls, run, phases };
  }

  it("saves an iteration's memory while its events are still being written, and ends once both are done", async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Without the memory save to release it, the write goes through after 3 s.
    const fallback = setTimeout(() => release(), 3_000);
    const { run, memory } = setup(
      () => planOf(writeHello('hi')),
      {},
      10,
      async (event) => {
        if (event.type !== 'task-step' || event.phase !== 'validate') return;
        order.push('validate write started');
        await released;
        order.push('validate written');
      },
    );
    const save = memory.save.bind(memory);
    memory.save = async (agentId, saved) => {
      order.push('memory save');
      await save(agentId, saved);
      release();
    };
    const result = await run();
    clearTimeout(fallback);
    order.push('task ended');
    expect(result.success).toBe(true);
    expect(order).toEqual([
      'validate write started',
      'memory save',
      'validate written',
      'task ended',
    ]);
    expect((await memory.load('backend-1'))?.completed_tasks).toEqual(['say-hi']);
  });

  it('runs the five steps once when the first plan is valid, and records them', async () => {
    const { run, memory, phases, calls, events } = setup(() => planOf(writeHello('hi')));
    const result = await run();
    expect(result.success).toBe(true);
    expect(result.output).toMatch(/^validated after 1 iteration/);
    expect(result.actions_taken).toEqual([
      { step: 1, action: 'write_file', success: true, output: 'wrote 2 characters to hello.txt' },
    ]);
    expect(await readFile(join(workspace.path, 'hello.txt'), 'utf8')).toBe('hi');
    expect(phases()).toEqual(['1:observe', '1:reason', '1:plan', '1:act', '1:validate']);
    expect(
      events.every((e) => e.run_id === 'run-1' && 'task_id' in e && e.task_id === 'say-hi'),
    ).toBe(true);
    // One call for Reason and Plan, recorded as the two steps above.
    expect(calls.map((c) => [c.schemaName, c.phase, c.role, c.runId])).toEqual([
      ['plan', 'plan', 'backend', 'run-1'],
    ]);
    const recorded = (phase: string) =>
      events.find((e) => e.type === 'task-step' && e.phase === phase);
    expect(recorded('reason')).toMatchObject({ data: reasoning });
    expect(recorded('plan')).toMatchObject({
      data: { steps: [{ action: 'write_file', args: { path: 'hello.txt', content: 'hi' } }] },
    });
    const saved = await memory.load('backend-1');
    expect(saved).toMatchObject({
      agent_role: 'backend',
      current_task: null,
      completed_tasks: ['say-hi'],
      reasoning_history: [reasoning],
      blocked_on: null,
    });
    expect(saved?.observations).toEqual([{ files: {}, findings: ['the workspace is empty'] }]);
  });

  it('sends step events in order without waiting on each, and confirms them all before the Result', async () => {
    const sent: string[] = [];
    const confirmed: string[] = [];
    const confirmedBySend: number[] = [];
    let failOn: string | undefined;
    // A store whose confirmations come late: the agent goes on meanwhile.
    const { run } = setup(
      () => planOf(writeHello('hi')),
      {},
      10,
      async (event) => {
        const name = event.type === 'task-step' ? event.phase : event.type;
        sent.push(name);
        confirmedBySend.push(confirmed.length);
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (name === failOn) throw new Error(`the store lost the ${name} event`);
        confirmed.push(name);
      },
    );
    const result = await run();
    expect(result.success).toBe(true);
    const phases = ['observe', 'reason', 'plan', 'act', 'validate'];
    expect(sent).toEqual(phases);
    // Sent one after another without waiting (each is confirmed 300 ms after it is sent, the
    // iteration takes a few ms), they were all confirmed before the Result.
    expect(confirmedBySend.at(-1)).toBeLessThan(4);
    expect(confirmed).toEqual(phases);
    // A write that fails fails the task: it is not lost silently.
    failOn = 'reason';
    sent.length = 0;
    await expect(run()).rejects.toThrow('the store lost the reason event');
    expect(sent).toEqual(phases);
  });

  it('keeps the most recent completed tasks in memory, without repeats, within a bound', async () => {
    const { agent, memory } = setup(() => planOf(writeHello('hi')));
    const older = Array.from({ length: COMPLETED_TASKS_KEPT + 5 }, (_, i) => `old-${i}`);
    await memory.save('backend-1', {
      ...emptyAgentMemory('backend'),
      completed_tasks: [...older.slice(0, 3), task.id, ...older.slice(3)],
    });
    await agent.run(task, { runId: 'run-1', workspace: workspace.path });
    const saved = (await memory.load('backend-1'))?.completed_tasks ?? [];
    expect(saved).toHaveLength(COMPLETED_TASKS_KEPT);
    expect(saved.at(-1)).toBe(task.id);
    expect(saved.filter((id) => id === task.id)).toHaveLength(1);
    expect(saved.slice(0, -1)).toEqual(older.slice(-(COMPLETED_TASKS_KEPT - 1)));
  });

  it('puts the stable prompt first and the last failure into the next prompt', async () => {
    let plans = 0;
    const { run, calls } = setup(() => {
      plans++;
      return planOf(writeHello(plans === 1 ? 'hey' : 'hi'));
    });
    const result = await run();
    expect(result.success).toBe(true);
    const [first, second] = calls;
    expect(first!.messages[0]).toEqual(second!.messages[0]);
    expect(first!.messages[0]!.content).toContain('- write_file: Write a text file');
    expect(first!.messages[0]!.content).toContain('"content":{"type":"string"}');
    expect(first!.messages[1]!.content).not.toContain('Failures so far');
    expect(second!.messages[1]!.content).toContain(
      'Validation: hello.txt has "hey", expected "hi"',
    );
  });

  it('never acts on a reply whose arguments do not fit the action schema', async () => {
    const { run, phases } = setup(
      () => planOf(step('write_file', { path: 'hello.txt', content: 5 }), writeHello('hi')),
      { maxIterations: 1 },
    );
    const result = await run();
    expect(result.success).toBe(false);
    expect(result.output).toMatch(/^llm error: the plan call failed: .*steps/s);
    expect(phases()).toEqual(['1:observe']);
    await expect(readFile(join(workspace.path, 'hello.txt'), 'utf8')).rejects.toThrow();
  });

  it('refuses a step the reply schema allows but the action does not, and runs no later step', async () => {
    // The reply schema takes any record key (llama.cpp drops key patterns); the action does not.
    const ran: unknown[] = [];
    const setEnv: ActionDefinition = {
      name: 'set_env',
      description: 'Set environment variables.',
      input: z.object({ vars: z.record(z.string().regex(/^[A-Z_]+$/), z.string()) }),
      async run(input) {
        ran.push(input);
        return { success: true, output: 'set' };
      },
    };
    const files = createFileToolkit({ path: 'hello.txt', content: 'hi' });
    const events: RunEvent[] = [];
    const agent = createAgent({
      agentId: 'backend-env',
      toolkit: { ...files, actions: [...files.actions, setEnv] },
      llm: stubLlm(() => planOf(step('set_env', { vars: { 'not a name': 'x' } }), writeHello('hi')))
        .llm,
      memory: createInMemoryMemoryStore(),
      recordStep: (event) => {
        events.push(event);
      },
      limits: { maxIterations: 1 },
    });
    const result = await agent.run(task, { runId: 'run-1', workspace: workspace.path });
    expect(result.success).toBe(false);
    const act = events.find((e) => e.type === 'task-step' && e.phase === 'act');
    expect(act?.type === 'task-step' && act.data).toEqual([
      expect.objectContaining({
        step: 1,
        success: false,
        output: expect.stringMatching(/^refused: invalid arguments for set_env:/),
      }),
    ]);
    expect(ran).toEqual([]);
    await expect(readFile(join(workspace.path, 'hello.txt'), 'utf8')).rejects.toThrow();
  });

  /** An agent over the file toolkit with `memory`, whose observe runs through `around`. */
  function observingAgent(
    memory: ReturnType<typeof createInMemoryMemoryStore>,
    around: (observe: () => Promise<Observation>) => Promise<Observation>,
  ) {
    const files = createFileToolkit({ path: 'hello.txt', content: 'hi' });
    return createAgent({
      agentId: 'backend-1',
      toolkit: { ...files, observe: (...args) => around(() => files.observe(...args)) },
      llm: stubLlm(() => planOf(writeHello('hi'))).llm,
      memory,
    });
  }

  it("observes the workspace while the agent's memory loads", async () => {
    const order: string[] = [];
    let observed: () => void = () => {};
    const observeDone = new Promise<void>((resolve) => {
      observed = resolve;
    });
    const memory = createInMemoryMemoryStore();
    const load = memory.load.bind(memory);
    memory.load = async (agentId) => {
      order.push('load started');
      // Sequential (load, then observe) would wait here for the fallback.
      const fallback = new Promise((resolve) => setTimeout(resolve, 3_000));
      await Promise.race([observeDone, fallback]);
      order.push('load done');
      return load(agentId);
    };
    const agent = observingAgent(memory, async (observe) => {
      order.push('observe started');
      const observation = await observe();
      order.push('observe done');
      observed();
      return observation;
    });
    const result = await agent.run(task, { runId: 'run-1', workspace: workspace.path });
    expect(result.success).toBe(true);
    expect(order.slice(0, 4)).toEqual([
      'observe started',
      'load started',
      'observe done',
      'load done',
    ]);
  });

  it('a memory load that fails ends the iteration after its observe, which ran beside it', async () => {
    let observing = 0;
    let observedAll = 0;
    const memory = createInMemoryMemoryStore();
    memory.load = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('memory store down');
    };
    const agent = observingAgent(memory, async (observe) => {
      observing++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const observation = await observe();
      observedAll++;
      return observation;
    });
    await expect(agent.run(task, { runId: 'run-1', workspace: workspace.path })).rejects.toThrow(
      'memory store down',
    );
    // The observe that began beside the load had ended before the task threw.
    expect({ observing, observedAll }).toEqual({ observing: 1, observedAll: 1 });
  });

  it("prompts with the facts its observation states while their write to the run's store is out, and returns its Result only once it is done", async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const facts = new InMemoryRunFactStore();
    const record = facts.record.bind(facts);
    facts.record = async (runId, stated) => {
      order.push('write sent');
      await held;
      order.push('written');
      return record(runId, stated);
    };
    const files = createFileToolkit({ path: 'hello.txt', content: 'hi' });
    const { llm, calls } = stubLlm(() => {
      order.push('llm called');
      return planOf(writeHello('hi'));
    });
    const agent = createAgent({
      agentId: 'backend-1',
      toolkit: {
        ...files,
        observe: async (...args) => ({
          ...(await files.observe(...args)),
          python_version: '3.11.2',
        }),
      },
      llm,
      memory: createInMemoryMemoryStore(),
      facts,
    });
    const running = agent.run(task, { runId: 'run-1', workspace: workspace.path });
    let ended = false;
    void running.then(() => {
      ended = true;
    });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    const prompt = calls[0]!.messages.map((m) => m.content).join('\n');
    expect(prompt).toMatch(/- python_version: "3\.11\.2" \(found by backend-1, backend/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false);
    release();
    expect((await running).success).toBe(true);
    expect(order).toEqual(['write sent', 'llm called', 'written']);
    expect(await facts.list('run-1')).toMatchObject([{ name: 'python_version', value: '3.11.2' }]);
  });

  it("acts while a call's metering write is in flight, and returns its Result only once it is done", async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const metered = new Promise<void>((resolve) => {
      release = resolve;
    }).then(() => {
      order.push('metered');
    });
    const { llm } = stubLlm(() => planOf(writeHello('hi')));
    const agent = createAgent({
      agentId: 'backend-1',
      toolkit: createFileToolkit({ path: 'hello.txt', content: 'hi' }),
      llm: {
        ...llm,
        generate: async (schema, messages, options) => ({
          ...(await llm.generate(schema, messages, options)),
          metered,
        }),
      },
      memory: createInMemoryMemoryStore(),
      recordStep: (event) => {
        if (event.type === 'task-step') order.push(event.phase);
      },
    });
    const running = agent.run(task, { runId: 'run-1', workspace: workspace.path });
    let ended = false;
    void running.then(() => {
      ended = true;
    });
    // Validate ran (its event is out) while the write was held; the Result waits for it.
    await vi.waitFor(() => expect(order).toContain('validate'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(false);
    release();
    expect((await running).success).toBe(true);
    expect(order).toEqual(['observe', 'reason', 'plan', 'act', 'validate', 'metered']);
  });

  it('stops on the token budget with a clear reason', async () => {
    const { run, memory } = setup(() => planOf(writeHello('nope')), { maxTokens: 1500 }, 1000);
    const result = await run();
    expect(result.success).toBe(false);
    expect(result.output).toBe('token budget: used 2000 of 1500 tokens');
    expect((await memory.load('backend-1'))?.blocked_on).toBe(result.output);
  });

  it('stops on the time budget when a call outlives it', async () => {
    const { run } = setup(
      (call) =>
        new Promise((_resolve, reject) => {
          call.signal?.addEventListener('abort', () => reject(call.signal?.reason));
        }),
      { maxWallMs: 50 },
    );
    const result = await run();
    expect(result).toMatchObject({
      success: false,
      output: 'time budget: the task ran past 50 ms',
    });
  });

  it('ends the task on a non-retryable LLM error and propagates a retryable one', async () => {
    const fatal = setup(() => {
      throw new CodegodError('llm-request-rejected', 'context too long');
    });
    expect((await fatal.run()).output).toBe('llm error: the plan call failed: context too long');
    const transient = setup(() => {
      throw new CodegodError('llm-unavailable', 'down', { isRetryable: true });
    });
    await expect(transient.run()).rejects.toMatchObject({ code: 'llm-unavailable' });
  });

  it('throws when the caller cancels', async () => {
    const controller = new AbortController();
    const { run } = setup(
      (call) =>
        new Promise((_resolve, reject) => {
          call.signal?.addEventListener('abort', () => reject(new Error('aborted by caller')));
          controller.abort();
        }),
    );
    await expect(run(controller.signal)).rejects.toThrow('aborted by caller');
  });

  it('stops at max iterations when every attempt makes progress but never validates', async () => {
    let plans = 0;
    const { run, phases } = setup(() => planOf(writeHello(`try ${++plans}`)), { maxIterations: 3 });
    const result = await run();
    expect(result.output).toBe(
      'max iterations: validation still failed after 3 iterations: hello.txt has "try 3", expected "hi"',
    );
    expect(result.actions_taken.map((a) => a.step)).toEqual([1, 2, 3]);
    expect(phases().filter((p) => p.endsWith('validate'))).toEqual([
      '1:validate',
      '2:validate',
      '3:validate',
    ]);
  });

  it('wipes when nothing new is observed, keeping knowledge, and says so when wipes run out', async () => {
    const { run, phases, memory, events } = setup(() => planOf(writeHello('same')), {
      maxWipes: 1,
    });
    await memory.save('backend-1', {
      agent_role: 'backend',
      current_task: null,
      completed_tasks: ['older-task'],
      knowledge: { team: 'core' },
      observations: [],
      reasoning_history: [],
      blocked_on: null,
    });
    const result = await run();
    // Iterations 2-4 all observe the same file, so rule (c) fires at 4; after the wipe, at 7.
    expect(result.output).toBe(
      'stuck after wipes: nothing new was observed for 3 iterations (memory wiped 1 time(s) and retried); last validation: hello.txt has "same", expected "hi"',
    );
    expect(phases().filter((p) => !/:(observe|reason|plan|act)$/.test(p))).toEqual([
      '1:validate',
      '2:validate',
      '3:validate',
      '4:validate',
      'agent-wipe',
      '5:validate',
      '6:validate',
      '7:validate',
    ]);
    const wipe = events.find((e) => e.type === 'agent-wipe');
    expect(wipe).toMatchObject({
      agent_id: 'backend-1',
      reason: expect.stringContaining('nothing new'),
    });
    const saved = await memory.load('backend-1');
    expect(saved?.knowledge).toEqual({ team: 'core' });
    expect(saved?.completed_tasks).toEqual([]);
    expect(saved?.observations).toHaveLength(3);
  });

  it('shows the agent knowledge and dependency results in the prompt', async () => {
    const { agent, memory, calls } = setup(() => planOf(writeHello('hi')));
    await memory.save('backend-1', {
      agent_role: 'backend',
      current_task: null,
      completed_tasks: [],
      knowledge: { style: 'tabs' },
      observations: [],
      reasoning_history: [],
      blocked_on: null,
    });
    await agent.run(task, {
      runId: 'run-2',
      workspace: workspace.path,
      dependencies: {
        setup: {
          success: true,
          output: 'venv ready',
          reasoning: null,
          actions_taken: [],
          validation: { valid: true, output: 'ok', checks: [] },
        },
      },
    });
    expect(calls[0]!.messages[1]!.content).toContain('"style": "tabs"');
    expect(calls[0]!.messages[1]!.content).toContain('- setup: done: venv ready');
  });

  it('rejects a task for another role and bad limits', async () => {
    const { agent } = setup(() => reasoning);
    await expect(
      agent.run({ ...task, role: 'frontend' }, { runId: 'r', workspace: workspace.path }),
    ).rejects.toMatchObject({ code: 'task-non-retryable' });
    expect(() => setup(() => reasoning, { maxIterations: 0 })).toThrow(/limits\.maxIterations/);
  });
});
