import {
  type ActionContext,
  type RoleToolkit,
  runWithSharedCommands,
  type WarmUp,
  type WorkspaceRedactor,
} from '@codegod/actions';
import { type ChatMessage, type LlmClient, redactingLlmClient } from '@codegod/llm';
import { byName, factKey, type MemoryStore, type RunFactStore, recordInto } from '@codegod/memory';
import {
  type ActionTaken,
  type AgentMemory,
  CodegodError,
  emptyAgentMemory,
  type Observation,
  observationSchema,
  type Phase,
  type PlanStep,
  type Reasoning,
  type Result,
  type RunEvent,
  type RunFact,
  resultSchema,
  runEventSchema,
  type Task,
  taskStepEventSchemas,
  type Validation,
  validationSchema,
} from '@codegod/protocol';
import { z } from 'zod';
import type { AgentLimits } from './agent-limits.js';
import { AgentStop } from './agent-stop.js';
import { describeOutcome } from './describe-outcome.js';
import { factsOf, knowledgeForPrompt, learnFacts } from './knowledge/workspace-facts.js';
import { type ConvertedPlan, type llmPlanSchema, toProtocolPlan } from './llm-plan-schema.js';
import { buildAgentMessages, type IterationFailure, type PromptInput } from './prompt-builder.js';
import { stableHash } from './stable-hash.js';
import { type DeferredStart, startAfter } from './start-after.js';
import {
  type ActionAttempt,
  actionSignature,
  detectStuck,
  type StuckHistory,
  type StuckVerdict,
} from './stuck-detector.js';
import { validationWithChecks } from './validation-with-checks.js';

/** What a task run needs from its agent. */
export interface TaskRunParts {
  agentId: string;
  toolkit: RoleToolkit;
  llm: LlmClient;
  memory: MemoryStore;
  facts?: RunFactStore | undefined;
  recordStep?: (event: RunEvent) => void | Promise<void>;
  limits: AgentLimits;
  systemPrompt: string;
  catalogue: string;
  planSchema: ReturnType<typeof llmPlanSchema>;
  /** The redactor of a workspace's secrets (see `createAgent`'s `redactor`). */
  redactorFor: (workspace: string) => WorkspaceRedactor;
}

/** Per-task settings of `Agent.run`. */
export interface RunTaskOptions {
  /** The run the task belongs to; stamped on every event and LLM call. */
  runId: string;
  /** Absolute path of the workspace the actions work in. */
  workspace: string;
  /** Cancels the task: the run throws instead of returning a Result. */
  signal?: AbortSignal;
  /** Results of the tasks this one depends on, by task id, for the prompt. */
  dependencies?: Readonly<Record<string, Result>>;
}

type AttemptEnd = { kind: 'valid' } | { kind: 'stuck'; verdict: StuckVerdict };

/** The stuck detector's input, appended to by each iteration of an attempt. */
interface AttemptHistory extends StuckHistory {
  actions: ActionAttempt[];
  iterationSignatures: string[];
  observationHashes: string[];
}

/** How an iteration ended: the task is valid, the attempt is stuck, or the loop goes on. */
type IterationEnd = AttemptEnd | undefined;

/**
 * How long after its LLM request an iteration starts its spares. Agents that begin together
 * (a wave of tasks in one process) have all sent their requests by then: with the 6-task plan
 * at 200 ms a call, embedded, the backend and frontend calls took 211-216 ms with the spares
 * started on the next turn and 205-209 ms with them 10 or 30 ms later (medians of 9 runs).
 * Any real model takes far longer than this to answer.
 */
const WARM_UP_DELAY_MS = 20;

/**
 * One task through Observe, Reason, Plan, Act, Validate, looping until valid. An attempt is a
 * run of iterations with fresh reasoning; a stuck attempt wipes memory and starts another.
 * Each iteration loads the agent's memory once, changes it in place, and saves it once at its
 * end (also when it ends by a stop or an error): two memory round trips per step. The price: an
 * operator's change to this agent's memory while an iteration runs (a restore, a hand edit of
 * its knowledge) is overwritten by that iteration's save; the next iteration sees one made
 * between iterations, and a change made while the agent is idle is always kept.
 */
export class TaskRun {
  private iteration = 0;
  private wipes = 0;
  private tokensUsed = 0;
  private readonly actionsTaken: ActionTaken[] = [];
  private lastReasoning: Reasoning | null = null;
  private lastValidation: Validation | undefined;
  private failures: IterationFailure[] = [];
  private readonly notes: string[] = [];
  private readonly deadline: AbortSignal;
  private readonly signal: AbortSignal;
  private readonly workspace: string;
  /**
   * Everything this run emits, stores, returns or prompts with passes through it: the one
   * place workspace secrets (`.env` values, private keys, tokens) are taken out.
   */
  private readonly redactor: WorkspaceRedactor;
  private readonly llm: LlmClient;
  /**
   * This task's events that have been sent to `recordStep` but not yet confirmed, and its LLM
   * calls' metering writes. They are sent in order and not waited for step by step (a round
   * trip each, on the task's critical path, in a fleet); `settleWrites` waits for them, and
   * rethrows the first failure, before the iteration's memory save and before the Result goes
   * out.
   */
  private unsettled: Promise<unknown>[] = [];

  constructor(
    private readonly parts: TaskRunParts,
    private readonly task: Task,
    private readonly options: RunTaskOptions,
  ) {
    this.deadline = AbortSignal.timeout(parts.limits.maxWallMs);
    this.signal = options.signal ? AbortSignal.any([options.signal, this.deadline]) : this.deadline;
    this.workspace = options.workspace;
    this.redactor = parts.redactorFor(options.workspace);
    this.llm = redactingLlmClient(parts.llm, this.redactor.redact);
  }

  /** Runs the task to a Result; throws when cancelled, on a retryable LLM error or a toolkit crash. */
  async execute(): Promise<Result> {
    try {
      for (;;) {
        const end = await this.attempt();
        if (end.kind === 'valid') return await this.succeed();
        await this.wipe(end.verdict);
      }
    } catch (error) {
      if (error instanceof AgentStop) return await this.fail(error);
      // The events sent so far come before the retry or failure the worker records next.
      await this.settleWrites().catch(() => undefined);
      throw error;
    }
  }

  private async attempt(): Promise<AttemptEnd> {
    const history: AttemptHistory = { actions: [], iterationSignatures: [], observationHashes: [] };
    this.failures = [];
    for (let round = 1; ; round++) {
      this.iteration++;
      // The toolkit's observe does not read the memory, so it runs while the memory's round
      // trip is out (a fleet's Redis). Loaded fresh each iteration: an operator may have
      // changed the knowledge meanwhile.
      const observing = this.observeWorkspace();
      observing.catch(() => undefined);
      // The run's facts are read beside them too: the prompt needs them, and `learn` writes
      // only what the observation changes in them.
      const listing = this.parts.facts?.list(this.options.runId);
      listing?.catch(() => undefined);
      const started = () => Promise.allSettled([observing, listing]);
      let memory: AgentMemory;
      try {
        memory = await this.loadMemory();
      } catch (error) {
        // Nothing the iteration started outlives it.
        await started();
        throw error;
      }
      let end: IterationEnd;
      try {
        end = await this.iterate(memory, observing, listing, history, round);
      } catch (error) {
        await started();
        if (error instanceof AgentStop) memory.blocked_on = error.message;
        // What the iteration learned is kept; a failed write must not hide why it ended.
        await this.settleWrites().catch(() => undefined);
        await this.saveMemory(memory).catch(() => undefined);
        throw error;
      }
      // Side by side: on the fleet's one Redis connection that is one round trip, not two. Both
      // are done before the iteration ends; the events' failure is the one reported first.
      const [events, saved] = await Promise.allSettled([
        this.settleWrites(),
        this.saveMemory(memory),
      ]);
      if (events.status === 'rejected') throw events.reason;
      if (saved.status === 'rejected') throw saved.reason;
      if (end) return end;
    }
  }

  /** One Observe, Reason+Plan, Act, Validate; changes `memory` in place, never saves it. */
  private async iterate(
    memory: AgentMemory,
    observing: Promise<Observation>,
    listing: Promise<RunFact[]> | undefined,
    history: AttemptHistory,
    round: number,
  ): Promise<IterationEnd> {
    const observation = await observing;
    const runFacts = await this.learn(memory, observation, listing);
    history.observationHashes.push(stableHash(observation));
    let warm: DeferredStart<WarmUp | undefined> | undefined;
    let acted: Awaited<ReturnType<TaskRun['act']>>;
    let validation: Validation;
    try {
      const prompt = this.promptInput(memory, observation, runFacts);
      const planning = this.reasonAndPlan(memory, prompt);
      // A spare's start holds the event loop for milliseconds (libuv forks the whole process and
      // waits for the exec): started at once, it delayed this agent's own request and the
      // requests of agents that began at the same moment.
      warm = startAfter(WARM_UP_DELAY_MS, () => this.warmUp());
      const plan = await planning;
      // A reply that came before the warm-up began: Validate spawns, as it would without one.
      warm.cancel();
      acted = await this.act(plan);
      history.actions.push(...acted.attempts);
      history.iterationSignatures.push(acted.attempts.map((a) => a.signature).join(' | '));
      // Started spares are in place before Validate looks for them (a reply may come at once).
      await warm.result;
      validation = await this.validate();
    } finally {
      // Whatever ended the iteration (valid, failed, stopped or aborted), no spare outlives it.
      warm?.cancel();
      await (await warm?.result)?.dispose();
    }
    if (validation.valid) {
      memory.completed_tasks = capped(
        [...memory.completed_tasks.filter((id) => id !== this.task.id), this.task.id],
        COMPLETED_TASKS_KEPT,
      );
      memory.current_task = null;
      memory.blocked_on = null;
      return { kind: 'valid' };
    }
    const failure = { iteration: this.iteration, validation: validation.output, ...acted.failed };
    this.failures.push(failure);
    memory.blocked_on = describeFailure(failure);
    const verdict = detectStuck(history, this.parts.limits);
    if (verdict) {
      if (this.wipes >= this.parts.limits.maxWipes) {
        throw new AgentStop(
          'stuck after wipes',
          `${verdict.message} (memory wiped ${this.wipes} time(s) and retried); last validation: ${validation.output}`,
        );
      }
      return { kind: 'stuck', verdict };
    }
    if (round < this.parts.limits.maxIterations) return undefined;
    throw new AgentStop(
      'max iterations',
      `validation still failed after ${this.parts.limits.maxIterations} iterations${this.wipes > 0 ? ` of attempt ${this.wipes + 1}` : ''}: ${validation.output}`,
    );
  }

  /**
   * Has the toolkit start the interpreters this iteration's Validate will run while the LLM
   * call is under way (issue 15). Best effort: a failure only means Validate spawns them.
   */
  private warmUp(): Promise<WarmUp | undefined> {
    const { toolkit } = this.parts;
    if (!toolkit.warmUp) return Promise.resolve(undefined);
    return toolkit.warmUp(this.task, this.stepContext()).catch(() => undefined);
  }

  private promptInput(
    memory: AgentMemory,
    observation: Observation,
    runFacts: RunFact[],
  ): PromptInput {
    return {
      systemPrompt: this.parts.systemPrompt,
      catalogue: this.parts.catalogue,
      knowledge: knowledgeForPrompt(memory.knowledge, this.workspace),
      runFacts,
      task: this.task,
      dependencies: this.options.dependencies,
      observation,
      failures: this.failures,
      notes: this.notes,
    };
  }

  /** The toolkit's observation, checked and recorded; `learn` then takes its facts. */
  private async observeWorkspace(): Promise<Observation> {
    this.checkBudgets();
    const raw = await this.guard(() => this.parts.toolkit.observe(this.task, this.stepContext()));
    const observation = observationSchema.parse(raw);
    await this.record(['observe', observation]);
    return observation;
  }

  /**
   * Keeps the observation, and the durable facts it states in `knowledge` (which a wipe keeps):
   * new ones added, contradicted ones corrected. Resolves to the run's facts as they stand with
   * the stated ones: its `listing` with them merged in. When that changes the listing, the
   * store's write goes out beside the iteration's next steps, as its events do, and is settled
   * with them; the prompt does not wait for it.
   */
  private async learn(
    memory: AgentMemory,
    observation: Observation,
    listing: Promise<RunFact[]> | undefined,
  ): Promise<RunFact[]> {
    const facts = this.redactor.redactValue(factsOf(observation)) as Record<string, unknown>;
    const source = { found_by: this.parts.agentId, task_id: this.task.id, found_at: Date.now() };
    memory.observations = capped([...memory.observations, observation], this.limit);
    memory.knowledge = learnFacts(memory.knowledge, this.workspace, facts, source).knowledge;
    if (!this.parts.facts || !listing) return [];
    const listed = await listing;
    const onRecord = new Map(listed.map((fact) => [factKey(fact), fact]));
    // Every stated fact, not only the newly learned: this agent may know it from another run.
    // A null (no venv) is stated too: it corrects a value an agent of this role shared before.
    const stated = Object.entries(facts).map(([name, value]) => ({
      name,
      value,
      role: this.parts.toolkit.role,
      ...source,
    }));
    if (recordInto(onRecord, stated).length === 0) return listed;
    // The store compares again with what it holds then, which may be newer than the listing.
    const store = this.parts.facts;
    this.send(async () => void (await store.record(this.options.runId, stated)));
    return byName(onRecord.values());
  }

  /**
   * Reason and Plan in one structured call: the reply's Reasoning fields are recorded and
   * remembered as the Reason step, its steps as the Plan step, as if they were two calls.
   */
  private async reasonAndPlan(memory: AgentMemory, prompt: PromptInput): Promise<ConvertedPlan> {
    const messages = buildAgentMessages(prompt);
    const reply = await this.generate(this.parts.planSchema, 'plan', 'plan', messages);
    const converted = toProtocolPlan(reply);
    this.lastReasoning = converted.reasoning;
    memory.reasoning_history = capped(
      [...memory.reasoning_history, converted.reasoning],
      this.limit,
    );
    // One reply, two steps: one workspace scan, and both events go out together.
    await this.record(['reason', converted.reasoning], ['plan', converted.plan]);
    return converted;
  }

  private async act({ plan }: ConvertedPlan) {
    const taken: ActionTaken[] = [];
    const attempts: ActionAttempt[] = [];
    let failed: Pick<IterationFailure, 'failedAction'> = {};
    for (const [index, step] of plan.steps.entries()) {
      this.checkBudgets();
      const outcome = await this.runStep(step);
      taken.push({ step: index + 1, action: step.action, ...outcome });
      attempts.push({
        signature: actionSignature(step.action, step.args),
        success: outcome.success,
        error: outcome.success ? '' : outcome.output,
      });
      if (!outcome.success) {
        failed = { failedAction: { action: step.action, args: step.args, output: outcome.output } };
        break;
      }
    }
    await this.record(['act', taken]);
    for (const action of taken) {
      this.actionsTaken.push({ ...action, step: this.actionsTaken.length + 1 });
    }
    return { attempts, failed };
  }

  /**
   * Parses the step's args with the action's own schema (the reply's schema may be looser than
   * it, e.g. on record keys); a bad step is refused, never run.
   */
  private async runStep(step: PlanStep): Promise<{ success: boolean; output: string }> {
    const action = this.parts.toolkit.actions.find((candidate) => candidate.name === step.action);
    if (!action) return refused(`"${step.action}" is not an action of this role`);
    const input = action.input.safeParse(step.args);
    if (!input.success) {
      return refused(`invalid arguments for ${action.name}: ${z.prettifyError(input.error)}`);
    }
    try {
      return describeOutcome(await action.run(input.data, this.stepContext()));
    } catch (error) {
      this.throwIfAborted(error);
      return { success: false, output: `${action.name} threw: ${messageOf(error)}` };
    }
  }

  /**
   * The role's health check, then the task's own acceptance checks: they come from the task,
   * never from the agent's plan, so no plan can change, weaken or skip them. Nothing changes
   * the workspace in between, so a check that is the very command the health check just ran
   * (`npm test` for the testing role) reuses its output instead of running it twice.
   */
  private async validate(): Promise<Validation> {
    this.checkBudgets();
    const { toolkit } = this.parts;
    const { health, checks } = await runWithSharedCommands(async () => ({
      health: await this.guard(() => toolkit.validate(this.task, this.stepContext())),
      checks: await this.guard(() =>
        toolkit.runChecks(this.task.acceptance ?? [], this.stepContext()),
      ),
    }));
    this.throwIfAborted(undefined);
    const validation = validationSchema.parse(validationWithChecks(health, checks));
    this.lastValidation = validation;
    await this.record(['validate', validation]);
    return validation;
  }

  private async generate<S extends z.ZodType>(
    schema: S,
    schemaName: string,
    phase: 'plan',
    messages: ChatMessage[],
  ): Promise<z.output<S>> {
    this.checkBudgets();
    try {
      const result = await this.llm.generate(schema, messages, {
        schemaName,
        runId: this.options.runId,
        role: this.parts.toolkit.role,
        phase,
        signal: this.stepContext().signal,
      });
      this.tokensUsed += result.usage.totalTokens;
      // The call's metering write is settled with the iteration's events, before its memory
      // save and before the Result: the run's token count is current when the master reads it.
      const { metered } = result;
      if (metered) this.send(() => metered);
      return result.value;
    } catch (error) {
      this.throwIfAborted(error);
      if (CodegodError.is(error) && error.isRetryable) throw error;
      throw new AgentStop('llm error', `the ${phase} call failed: ${messageOf(error)}`);
    }
  }

  /** Stops before the next step once a budget is spent; a call in flight may overshoot it. */
  private checkBudgets(): void {
    this.throwIfAborted(undefined);
    const { maxTokens } = this.parts.limits;
    if (this.tokensUsed >= maxTokens) {
      throw new AgentStop('token budget', `used ${this.tokensUsed} of ${maxTokens} tokens`);
    }
  }

  /**
   * A context with a child signal per step: HTTP clients and process runners add an abort
   * listener per call and may not remove it, which would pile up on the task's one signal.
   */
  private stepContext(): ActionContext & { signal: AbortSignal } {
    return { workspace: this.workspace, signal: AbortSignal.any([this.signal]) };
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.throwIfAborted(error);
      // The message becomes a task-retry event and a log line: it may quote a file.
      if (error instanceof Error) {
        await this.redactor.refresh();
        error.message = this.redactor.redact(error.message);
      }
      throw error;
    }
  }

  /** A cancelled task rethrows; a task past its wall-clock budget stops with "time budget". */
  private throwIfAborted(error: unknown): void {
    if (this.options.signal?.aborted) throw error ?? this.options.signal.reason;
    if (this.deadline.aborted) {
      throw new AgentStop('time budget', `the task ran past ${this.parts.limits.maxWallMs} ms`);
    }
  }

  private async wipe(verdict: StuckVerdict): Promise<void> {
    this.wipes++;
    await this.parts.memory.wipe(this.parts.agentId);
    await this.emit({ type: 'agent-wipe', reason: `stuck: ${verdict.message}` });
    const last = this.failures[this.failures.length - 1];
    this.notes.push(
      `Attempt ${this.wipes} was stuck: ${verdict.message}.${last ? ` Its last failure: ${describeFailure(last)}` : ''} Do not repeat it; try a different approach.`,
    );
  }

  /** The Result of a valid task; its iteration already saved the memory that says so. */
  private async succeed(): Promise<Result> {
    const wiped = this.wipes > 0 ? ` and ${this.wipes} wipe(s)` : '';
    return this.redactedResult({
      success: true,
      output: `validated after ${this.iteration} iteration(s)${wiped}: ${this.lastValidation!.output}`,
      reasoning: this.lastReasoning,
      actions_taken: this.actionsTaken,
      validation: this.lastValidation,
    });
  }

  /** The Result of a stopped task; its iteration already saved the stop as `blocked_on`. */
  private async fail(stop: AgentStop): Promise<Result> {
    return this.redactedResult({
      success: false,
      output: stop.message,
      reasoning: this.lastReasoning,
      actions_taken: this.actionsTaken,
      validation: this.lastValidation ?? { valid: false, output: `not validated: ${stop.message}` },
    });
  }

  /** The Result as the master, the report and dependent tasks will see it. */
  private async redactedResult(result: unknown): Promise<Result> {
    await this.settleWrites();
    await this.redactor.refresh();
    return resultSchema.parse(this.redactor.redactValue(result));
  }

  private get limit(): number {
    return this.parts.limits.historyLimit;
  }

  /** The iteration's one read of the agent's memory, marked as working on this task. */
  private async loadMemory(): Promise<AgentMemory> {
    const { memory: store, agentId, toolkit } = this.parts;
    const memory = (await store.load(agentId)) ?? emptyAgentMemory(toolkit.role);
    memory.current_task = this.task;
    memory.blocked_on = null;
    return memory;
  }

  /** The iteration's one write of the agent's memory. */
  private async saveMemory(memory: AgentMemory): Promise<void> {
    // Only what tasks write is redacted: ids, role and the operator's knowledge stay as they are.
    const { redactor } = this;
    await this.parts.memory.save(this.parts.agentId, {
      ...memory,
      observations: redactor.redactValue(memory.observations),
      reasoning_history: redactor.redactValue(memory.reasoning_history),
      blocked_on: memory.blocked_on === null ? null : redactor.redact(memory.blocked_on),
    });
  }

  /** Emits a task-step event per step, in order, after one scan of the workspace. */
  private async record(...steps: [phase: Phase, data: unknown][]): Promise<void> {
    await this.redactor.refresh();
    const { sandbox } = this.parts.toolkit;
    for (const [phase, data] of steps) {
      this.emitScanned(
        {
          type: 'task-step',
          iteration: this.iteration,
          phase,
          data,
          ...(sandbox ? { sandbox } : {}),
        },
        taskStepEventSchemas[phase],
      );
    }
  }

  /**
   * Emits an event with its payload redacted. Every step ends in an event, so the workspace is
   * re-scanned here: a `.env` or key an action just wrote is known before its output goes out.
   */
  private async emit(event: { type: string } & Record<string, unknown>): Promise<void> {
    await this.redactor.refresh();
    this.emitScanned(event, runEventSchema);
  }

  /**
   * Emits an event with its payload redacted by what the last scan found; `schema` checks it:
   * runEventSchema, or the narrower schema of a known task step.
   */
  private emitScanned(
    event: { type: string; phase?: Phase } & Record<string, unknown>,
    schema: z.ZodType<RunEvent>,
  ): void {
    if (!this.parts.recordStep) return;
    // The type and phase name the event: a .env value that happens to be `plan` must not.
    const { type, phase, ...payload } = event;
    const { recordStep } = this.parts;
    const parsed = schema.parse({
      ...this.redactor.redactValue(payload),
      type,
      ...(phase ? { phase } : {}),
      run_id: this.options.runId,
      ts: Date.now(),
      task_id: this.task.id,
      role: this.parts.toolkit.role,
      agent_id: this.parts.agentId,
    });
    this.send(() => recordStep(parsed));
  }

  /** Starts a write of the task's events; `settleWrites` waits for it. */
  private send(write: () => void | Promise<void>): void {
    let sent: Promise<unknown>;
    try {
      sent = Promise.resolve(write());
    } catch (error) {
      sent = Promise.reject(error);
    }
    // Its failure is rethrown by settleWrites; until then it must not count as unhandled.
    sent.catch(() => undefined);
    this.unsettled.push(sent);
  }

  /** Waits for every write sent so far; rejects with the first that failed. */
  private async settleWrites(): Promise<void> {
    const sent = this.unsettled;
    this.unsettled = [];
    await Promise.all(sent);
  }
}

/**
 * Task ids an agent's memory keeps in completed_tasks, the most recent last. Without a bound a
 * long-lived agent's memory, loaded and saved at every step, grew by one id per new task.
 */
export const COMPLETED_TASKS_KEPT = 100;

function capped<T>(items: T[], limit: number): T[] {
  return items.slice(-limit);
}

function refused(problem: string): { success: false; output: string } {
  return { success: false, output: `refused: ${problem}` };
}

function describeFailure(failure: IterationFailure): string {
  const action = failure.failedAction
    ? `${failure.failedAction.action} failed (${failure.failedAction.output}); `
    : '';
  return `iteration ${failure.iteration}: ${action}validation: ${failure.validation}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
