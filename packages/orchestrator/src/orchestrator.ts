import { RunExistsError, type RunSnapshot, type TaskBus } from '@codegod/bus';
import { type LlmClient, redactingLlmClient } from '@codegod/llm';
import type { MemoryStore } from '@codegod/memory';
import {
  type AcceptanceCheck,
  type CheckResult,
  CodegodError,
  cappedText,
  newRunId,
  type RunReport,
  type SandboxKind,
  surveyText,
  type TaskGraph,
  type TokenMeter,
  type WorkspaceSurvey,
  workspaceSurveySchema,
} from '@codegod/protocol';
import { buildRunReport } from './build-run-report.js';
import { decompose } from './decompose.js';
import { type OrchestratorLimits, resolveLimits } from './orchestrator-options.js';
import { redactRunReport } from './redact-run-report.js';
import { replan } from './replan.js';
import type { ReportStore } from './report-store.js';
import { type LlmRetryOptions, retryingLlmClient } from './retrying-llm-client.js';
import { describeFailedRunChecks, type RunCheckRunner } from './run-checks.js';
import type { RunWorkspaces } from './run-workspaces.js';
import type { WorkspaceRedactor, WorkspaceRedactorFactory } from './workspace-redactor.js';
import type { WorkspaceSurveyor } from './workspace-surveyor.js';

/** What the master needs; all ports, no vendor types. */
export interface OrchestratorDependencies {
  bus: TaskBus;
  llm: LlmClient;
  memory: MemoryStore;
  reports: ReportStore;
  /** Where each run's workspace is recorded for the workers. */
  workspaces: RunWorkspaces;
  /** Runs a run's own acceptance checks, confined like the agents' actions. */
  checks: RunCheckRunner;
  /** Where the tokens a run has spent are counted. Default: none counted (token budget never fires). */
  tokens?: Pick<TokenMeter, 'usage'>;
  /** Bounds on each run; see OrchestratorLimits for defaults. */
  limits?: Partial<OrchestratorLimits>;
  /** Called with a line of progress the user may want to see (replans, stalls, budgets). */
  onNotice?: (runId: string, message: string) => void;
  /**
   * The redactor of a run's workspace: the master's prompts, notices, failure reasons and the
   * run report pass through it. The fleet wires `createWorkspaceRedactor` of @codegod/actions.
   */
  redactor: WorkspaceRedactorFactory;
  /**
   * How this master's workers confine commands, when it knows (embedded mode: its toolkits).
   * The report adds what the workers themselves recorded. Default: only what they recorded.
   */
  sandbox?: readonly SandboxKind[];
  /**
   * How the master surveys a workspace before decomposing and before each replan (the fleet
   * wires `surveyForMaster`). Default: no survey.
   */
  survey?: WorkspaceSurveyor;
  /** Retries of the master's own LLM calls after transient failures; see LlmRetryOptions. */
  llmRetry?: LlmRetryOptions;
  /**
   * The roles and what their agents can do, as the master's prompt lists them: the wiring
   * passes `describeRoleCapabilities(ROLE_DEFINITIONS)` from @codegod/actions. Required.
   */
  roleCapabilities: string;
}

/** A problem to solve. */
export interface RunRequest {
  problem: string;
  /** Absolute path of the workspace the agents work in. */
  workspace: string;
  /** A user-written task graph (already validated); skips decomposition. */
  plan?: TaskGraph;
  /** Default: a new unique id. */
  runId?: string;
  /** This run's own bounds, over the orchestrator's (e.g. from `codegod build --timeout`). */
  limits?: Partial<OrchestratorLimits>;
  /**
   * The user's checks of the whole run (`codegod build --check`); they always run, before any
   * the master proposes, once every task has succeeded. Default: none.
   */
  checks?: AcceptanceCheck[];
}

// Defined in @codegod/protocol, so the CLI's fleet commands need not load the master's code.
export { newRunId };

/** The workspace a redactor is made for when none is known: nothing to scan there. */
const NO_WORKSPACE = '/nonexistent';

/** Characters of the master's give-up analysis kept in the run's reason. */
const MAX_GIVE_UP_CHARS = 300;

function failureSummary(snapshot: RunSnapshot): string {
  return (
    snapshot.tasks
      .filter((t) => t.state === 'failed')
      // The bus's reason already reads `task "id" failed: ...`.
      .map((t) => t.reason ?? `task "${t.task.id}" failed: ${t.result?.output ?? 'unknown reason'}`)
      .join('; ')
  );
}

/**
 * The master: decomposes a problem, hands the graph to the bus, replans after failures within
 * bounds, watches budgets and stalls, and writes the run report.
 */
export class Orchestrator {
  readonly #deps: OrchestratorDependencies;
  readonly #limits: OrchestratorLimits;
  /** The LLM as the master calls it: transient failures retried (the bus retries only tasks). */
  readonly #llm: LlmClient;
  /** Bounds of runs started here with their own; a resumed run falls back to the defaults. */
  readonly #runLimits = new Map<string, OrchestratorLimits>();
  /** The redactor of each run followed here, by run id. */
  readonly #redactors = new Map<string, WorkspaceRedactor>();

  constructor(dependencies: OrchestratorDependencies) {
    this.#deps = dependencies;
    this.#limits = resolveLimits(dependencies.limits);
    this.#llm = retryingLlmClient(dependencies.llm, {
      ...dependencies.llmRetry,
      onRetry: (error, attempt, call) => {
        dependencies.llmRetry?.onRetry?.(error, attempt, call);
        if (call.runId) {
          dependencies.onNotice?.(
            call.runId,
            `LLM call (${call.phase ?? call.schemaName}) failed, calling again (attempt ${attempt + 1}): ${error.message}`,
          );
        }
      },
    });
  }

  /** The bounds in force. */
  get limits(): OrchestratorLimits {
    return this.#limits;
  }

  /** Plans (or takes the given plan), starts the run and follows it to its report. */
  async run(
    request: RunRequest,
    options: { signal?: AbortSignal; onStarted?: () => unknown } = {},
  ): Promise<RunReport> {
    const runId = request.runId ?? newRunId();
    // A run id in use keeps its workspace, limits and report: refused before any of them, or a
    // survey and a decomposition, is touched. (startRun refuses it too, for a start at the
    // same moment; the workspace store keeps the first workspace.)
    if (request.runId !== undefined && (await this.#deps.bus.getRun(runId)))
      throw new RunExistsError(runId);
    const limits = request.limits
      ? resolveLimits({ ...this.#limits, ...request.limits })
      : this.#limits;
    const redactor = this.#deps.redactor(request.workspace);
    await redactor.refresh();
    const survey = request.plan
      ? undefined
      : await this.#survey(request.workspace, redactor, options.signal);
    const decomposition = request.plan
      ? undefined
      : await this.decompose(
          request.problem,
          runId,
          options.signal,
          redactor.redact,
          survey && surveyText(survey),
        );
    const graph = request.plan ?? decomposition!.graph;
    const acceptance = [...(request.checks ?? []), ...(decomposition?.runChecks ?? [])];
    if (graph.tasks.length > limits.maxTasks) {
      throw new CodegodError(
        'task-budget',
        `The plan has ${graph.tasks.length} tasks; the limit is ${limits.maxTasks}. Split the problem or raise the limit.`,
      );
    }
    if (request.limits) this.#runLimits.set(runId, limits);
    await this.#deps.workspaces.set(runId, request.workspace);
    await this.#deps.bus.startRun({
      runId,
      problem: request.problem,
      graph,
      holdOnFailure: true,
      ...(acceptance.length > 0 ? { acceptance } : {}),
    });
    if (survey) await this.#recordSurvey(runId, 0, survey);
    // follow() goes on with this redactor: values it saw while decomposing stay hidden.
    this.#redactors.set(runId, redactor);
    await options.onStarted?.();
    return this.follow(runId, options);
  }

  /**
   * Asks the LLM for a task graph, repairing invalid ones within bounds. `redact` is applied to
   * every message (the problem may quote the workspace). Default: the redactor of no workspace
   * (the environment's values and secret shapes).
   */
  decompose(
    problem: string,
    runId: string,
    signal?: AbortSignal,
    redact: (text: string) => string = this.#deps.redactor(NO_WORKSPACE).redact,
    survey?: string,
  ) {
    return decompose(redactingLlmClient(this.#llm, redact), problem, {
      runId,
      ...(survey ? { survey } : {}),
      roleCapabilities: this.#deps.roleCapabilities,
      maxRepairs: this.#limits.maxDecompositionRepairs,
      maxTasks: this.#limits.maxTasks,
      ...(signal ? { signal } : {}),
    });
  }

  /** Follows a started run (also after a master restart) until it ends; returns its report. */
  async follow(runId: string, options: { signal?: AbortSignal } = {}): Promise<RunReport> {
    const { bus } = this.#deps;
    const first = await bus.getRun(runId);
    if (!first) {
      throw new CodegodError('run-not-found', `No run ${runId}. List runs with \`codegod runs\`.`);
    }
    const limits = this.#runLimits.get(runId) ?? this.#limits;
    const redactor = await this.#redactor(runId);
    const deadline = first.createdAt + limits.maxWallMs;
    // Rounds already used (a resumed run may have replanned), counted from the run's events
    // only once a replan is due: most runs never replan, and reading every event of a long run
    // to learn that costs the master and Redis more than the rest of following it.
    let usedRounds: number | undefined;
    let lastProgress = Date.now();
    // Any new event of the run is progress, steps included; counting them costs one cheap read
    // per watchdog tick instead of receiving every step.
    let eventsSeen = await bus.eventCount(runId);
    let stalls = 0;
    let stopReason: string | undefined;
    // The snapshot that showed the run ended: final, since the bus records nothing for an
    // ended run, so the report is built from it without reading the run again.
    let ended: RunSnapshot | undefined;
    while (true) {
      const controller = new AbortController();
      const abort = () => controller.abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      let checking = false;
      const watchdog = setInterval(
        () => {
          // One check at a time: a slow wipe must not count one stall twice.
          if (checking) return;
          checking = true;
          void bus
            .eventCount(runId)
            .then((events) => {
              if (events !== eventsSeen) lastProgress = Date.now();
              eventsSeen = events;
              return this.#watch(runId, limits, deadline, lastProgress, stalls);
            })
            .catch(() => ({ kind: 'ok' }) as const)
            .then((verdict) => {
              checking = false;
              if (verdict.kind === 'stop') {
                stopReason = verdict.reason;
                controller.abort();
              } else if (verdict.kind === 'stall') {
                stalls++;
                lastProgress = Date.now();
              }
            });
        },
        Math.min(1000, Math.max(50, Math.floor(limits.stallMs / 4))),
      );
      let snapshot: RunSnapshot;
      try {
        snapshot = await bus.waitForRun(runId, { signal: controller.signal, untilReplan: true });
      } catch (error) {
        if (!controller.signal.aborted) throw error;
        const reason = stopReason ?? 'cancelled by the user';
        await bus.cancelRun(runId, reason);
        break;
      } finally {
        clearInterval(watchdog);
        options.signal?.removeEventListener('abort', abort);
      }
      if (snapshot.state !== 'running') {
        ended = snapshot;
        break;
      }
      let failedRunChecks: CheckResult[] = [];
      if (snapshot.awaitingAcceptance) {
        const verdict = await this.#runChecks(runId, snapshot, deadline, options.signal);
        if (verdict.kind === 'stop') {
          await bus.cancelRun(runId, verdict.reason);
          break;
        }
        if (verdict.kind === 'passed') {
          const count = snapshot.acceptance.length;
          const reason = `all tasks succeeded; ${count} run check${count === 1 ? '' : 's'} passed`;
          await bus.finishRun(runId, 'succeeded', reason);
          continue;
        }
        failedRunChecks = verdict.failed;
      } else if (!snapshot.awaitingReplan) continue;
      await redactor.refresh();
      const summary = redactor.redact(
        failedRunChecks.length > 0
          ? describeFailedRunChecks(failedRunChecks)
          : failureSummary(snapshot),
      );
      usedRounds ??= (await bus.readEvents(runId)).filter((e) => e.type === 'replan').length;
      const rounds = usedRounds + 1;
      if (usedRounds >= limits.maxReplanRounds) {
        await bus.finishRun(
          runId,
          'failed',
          `${summary} (no replan rounds left: ${usedRounds} used)`,
        );
        continue;
      }
      usedRounds = rounds;
      this.#deps.onNotice?.(runId, `replanning (round ${rounds}): ${summary}`);
      try {
        // Surveyed again now: the replan must see the workspace as the failed tasks left it.
        const workspace = await this.#deps.workspaces.get(runId);
        const survey = workspace
          ? await this.#survey(workspace, redactor, options.signal)
          : undefined;
        if (survey) await this.#recordSurvey(runId, rounds, survey);
        const decision = await replan(redactingLlmClient(this.#llm, redactor.redact), snapshot, {
          runId,
          problem: snapshot.problem,
          round: rounds,
          maxTasks: limits.maxTasks,
          maxRepairs: limits.maxDecompositionRepairs,
          failedRunChecks,
          ...(survey ? { survey: surveyText(survey) } : {}),
          roleCapabilities: this.#deps.roleCapabilities,
        });
        if (decision.kind === 'give-up') {
          // The model's analysis can run to kilobytes of noise; the report keeps a bounded part.
          const why = cappedText(decision.reason, MAX_GIVE_UP_CHARS);
          await this.#endRound(runId, rounds, `the master gave up: ${why}`);
          await bus.finishRun(runId, 'failed', `${summary}; the master gave up: ${why}`);
        } else {
          await bus.extendRun(runId, decision.extension);
        }
      } catch (error) {
        const message = redactor.redact(error instanceof Error ? error.message : String(error));
        await this.#endRound(runId, rounds, `replanning failed: ${message}`);
        await bus.finishRun(runId, 'failed', `${summary}; replanning failed: ${message}`);
      }
    }
    this.#runLimits.delete(runId);
    try {
      return await this.#writeReport(runId, redactor, ended);
    } finally {
      this.#redactors.delete(runId);
    }
  }

  /** The workspace survey, redacted, or undefined when surveys are off. */
  async #survey(
    workspace: string,
    redactor: WorkspaceRedactor,
    signal: AbortSignal | undefined,
  ): Promise<WorkspaceSurvey | undefined> {
    if (!this.#deps.survey) return undefined;
    const survey = await this.#deps.survey(workspace, signal);
    // Observers may have run commands; a secret they printed is known before the survey goes out.
    await redactor.refresh();
    return workspaceSurveySchema.parse(redactor.redactValue(survey));
  }

  /** Records a survey as a `run-survey` event: the report shows what each plan was made from. */
  async #recordSurvey(runId: string, round: number, survey: WorkspaceSurvey): Promise<void> {
    await this.#deps.bus.appendEvent({
      type: 'run-survey',
      run_id: runId,
      ts: Date.now(),
      round,
      survey,
    });
  }

  /**
   * Records a replan round that ended the run (a give-up or a failed replan) as a `replan` event,
   * so the report's `replan_rounds` counts every round the log announced.
   */
  async #endRound(runId: string, round: number, reason: string): Promise<void> {
    await this.#deps.bus.appendEvent({
      type: 'replan',
      run_id: runId,
      ts: Date.now(),
      round,
      reason,
    });
    this.#deps.onNotice?.(runId, `replan round ${round}: ${reason}`);
  }

  /** The redactor of a run being followed; a resumed run gets a fresh one over its workspace. */
  async #redactor(runId: string): Promise<WorkspaceRedactor> {
    let redactor = this.#redactors.get(runId);
    if (!redactor) {
      const workspace = await this.#deps.workspaces.get(runId);
      // With no workspace on record there is nothing to scan: env values and shapes only.
      redactor = this.#deps.redactor(workspace ?? NO_WORKSPACE);
      this.#redactors.set(runId, redactor);
    }
    await redactor.refresh();
    return redactor;
  }

  /**
   * Runs the run's own checks once every task has succeeded, records them as a `run-check`
   * event, and says whether they passed. Bounded by the run's deadline and the caller's signal.
   */
  async #runChecks(
    runId: string,
    snapshot: RunSnapshot,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<
    | { kind: 'passed' }
    | { kind: 'failed'; failed: CheckResult[] }
    | { kind: 'stop'; reason: string }
  > {
    const workspace = await this.#deps.workspaces.get(runId);
    if (!workspace) return { kind: 'stop', reason: 'the run has no workspace recorded' };
    const budget = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const checkSignal = signal ? AbortSignal.any([signal, budget]) : budget;
    this.#deps.onNotice?.(runId, `running ${snapshot.acceptance.length} run check(s)`);
    const raw = await this.#deps.checks.runChecks(snapshot.acceptance, {
      workspace,
      signal: checkSignal,
    });
    // Check output goes into an event, the report and the replan prompt: workspace secrets stay out.
    const redactor = await this.#redactor(runId);
    const results = redactor.redactValue(raw) as CheckResult[];
    if (signal?.aborted) return { kind: 'stop', reason: 'cancelled by the user' };
    if (budget.aborted) {
      const limits = this.#runLimits.get(runId) ?? this.#limits;
      return { kind: 'stop', reason: `time budget exceeded (${limits.maxWallMs} ms)` };
    }
    const passed = results.every((result) => result.passed);
    await this.#deps.bus.appendEvent({
      type: 'run-check',
      run_id: runId,
      ts: Date.now(),
      passed,
      checks: results,
    });
    return passed
      ? { kind: 'passed' }
      : { kind: 'failed', failed: results.filter((r) => !r.passed) };
  }

  /** Checks the budgets and the stall counter once. */
  async #watch(
    runId: string,
    limits: OrchestratorLimits,
    deadline: number,
    lastProgress: number,
    stalls: number,
  ): Promise<{ kind: 'ok' } | { kind: 'stall' } | { kind: 'stop'; reason: string }> {
    if (Date.now() > deadline) {
      return { kind: 'stop', reason: `time budget exceeded (${limits.maxWallMs} ms)` };
    }
    if (this.#deps.tokens) {
      const tokens = await this.#deps.tokens.usage(runId);
      if (tokens.total > limits.maxTokens) {
        return {
          kind: 'stop',
          reason: `token budget exceeded (${tokens.total} > ${limits.maxTokens})`,
        };
      }
    }
    if (Date.now() - lastProgress < limits.stallMs) return { kind: 'ok' };
    if (stalls >= limits.maxStalls) {
      return {
        kind: 'stop',
        reason: `stalled: no progress for ${limits.stallMs} ms after ${stalls} memory wipes`,
      };
    }
    // Magentic-One style: on a stall, reset the agents' reasoning and let them try afresh.
    const wiped = await this.#deps.memory.wipeAll();
    this.#deps.onNotice?.(
      runId,
      `stalled: no progress for ${limits.stallMs} ms; wiped ${wiped.length} agents' memory`,
    );
    return { kind: 'stall' };
  }

  async #writeReport(
    runId: string,
    redactor: WorkspaceRedactor,
    ended?: RunSnapshot,
  ): Promise<RunReport> {
    const { bus, reports } = this.#deps;
    const snapshot = ended ?? (await bus.getRun(runId));
    if (!snapshot)
      throw new CodegodError('run-not-found', `Run ${runId} disappeared from the bus.`);
    const events = await bus.readEvents(runId);
    const tokens = (await this.#deps.tokens?.usage(runId)) ?? { total: 0, by_role: {} };
    const workspace = (await this.#deps.workspaces.get(runId)) ?? '';
    await redactor.refresh();
    const report = redactRunReport(
      buildRunReport(snapshot, events, { workspace, tokens, sandbox: this.#deps.sandbox ?? [] }),
      redactor,
    );
    await reports.save(report);
    return report;
  }
}
