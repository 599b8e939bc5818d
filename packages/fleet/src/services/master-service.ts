import { createCheckRunner } from '@codegod/actions';
import { RedisAgentStatusRegistry, RunExistsError, startWorkerHeartbeat } from '@codegod/bus';
import type { CodegodConfig, Logger } from '@codegod/config';
import { createLlmClient } from '@codegod/llm';
import {
  limitsFromEnvironment,
  Orchestrator,
  type OrchestratorLimits,
  type RunCheckRunner,
} from '@codegod/orchestrator';
import { oneLine, type RunReport, type Submission } from '@codegod/protocol';
import { masterActionPorts } from '../master/master-ports.js';
import type { MasterSurveyOptions } from '../master/master-survey.js';
import { redisBackend } from '../stores/backends.js';
import { SubmissionQueue } from '../stores/submission-queue.js';
import { defaultToolkits } from './default-toolkits.js';
import { failedRunReport } from './failed-run-report.js';
import { logBackendError } from './log-backend-error.js';

/** The bounds a submission asks for, in the orchestrator's terms. */
function runLimits(limits: NonNullable<Submission['limits']>): Partial<OrchestratorLimits> {
  return {
    ...(limits.max_replan_rounds !== null ? { maxReplanRounds: limits.max_replan_rounds } : {}),
    ...(limits.max_wall_ms !== null ? { maxWallMs: limits.max_wall_ms } : {}),
  };
}

/** Settings of the master service. */
export interface MasterServiceOptions {
  config: CodegodConfig & { redisUrl: string };
  logger: Logger;
  /** Bounds of each run; unset ones come from CODEGOD_MAX_TASKS and friends (LIMIT_SETTINGS). */
  limits?: Partial<OrchestratorLimits>;
  /**
   * Port of Bull Board (the queues in a browser); null turns it off. Env `BULL_BOARD_PORT`.
   * Default: 3000. Its address, login and read-only mode come from `BULL_BOARD_HOST`,
   * `BULL_BOARD_USER`, `BULL_BOARD_PASSWORD` and `BULL_BOARD_READ_ONLY` (see
   * resolveBullBoardSettings): 127.0.0.1, no login, read-only by default. The dashboard is
   * served next to it at `/dashboard/`, behind the same login.
   */
  bullBoardPort?: number | null;
  /** Heartbeat period into `codegod:agents:status`, in ms. Default: 5000. */
  heartbeatMs?: number;
  /**
   * Runs each run's own checks in its workspace. Default: `createCheckRunner()`, the sandbox
   * settings every agent worker uses (the same runner as their actions).
   */
  checks?: RunCheckRunner;
  /**
   * The master's workspace survey; `false` skips it. Default: the file walk, `git status` and
   * the observers of the default toolkits (confined by `CODEGOD_SANDBOX` like the workers').
   */
  survey?: MasterSurveyOptions | false;
  /**
   * The id the master heartbeats under, as `codegod status` lists it. Env `AGENT_ID` (set by
   * start-agents.sh). Default: `master-orchestrator-1`: the fleet runs one master.
   */
  masterId?: string;
}

/** A running master service. */
export interface MasterService {
  /** Stops taking submissions; runs in flight are resumed by the next master. */
  close(): Promise<void>;
}

/** Characters of a run's reason the master's "run finished" line keeps. */
const LOGGED_REASON_CHARS = 300;

/**
 * The master-orchestrator process: takes submissions from Redis, decomposes and follows each
 * run, and on start resumes every run a previous master left running.
 */
export async function startMasterService(options: MasterServiceOptions): Promise<MasterService> {
  const { config, logger } = options;
  // Read before anything starts: a bad CODEGOD_MAX_TASKS is a start-up error naming it.
  const limits = { ...limitsFromEnvironment(process.env), ...options.limits };
  // Checked before anything starts: an exposed board without a login is a start-up error.
  // The board and the dashboard (express, Bull Board) load only when one is served, so a
  // process that imports this package for anything else does not pay for them.
  const port = options.bullBoardPort;
  const bullBoard = port === null ? undefined : await import('@codegod/bus/bull-board');
  const boardSettings = bullBoard?.resolveBullBoardSettings(
    port === undefined || port === null ? {} : { port },
  );
  const backend = await redisBackend(config.redisUrl, {
    scheduler: true,
    onError: logBackendError(logger),
  });
  const { bus, memory, reports, tokens, redis } = backend;
  const blocking = redis.duplicate();
  blocking.on('error', () => {});
  const llm = createLlmClient({
    baseURL: config.llmBaseUrl,
    model: config.llmModel,
    apiKey: config.llmApiKey,
    tokenMeter: tokens,
  });
  const orchestrator = new Orchestrator({
    bus,
    llm,
    memory,
    reports,
    workspaces: backend.workspaces,
    ...masterActionPorts({
      checks: options.checks ?? createCheckRunner(),
      // Built only when needed: each toolkit reads CODEGOD_SANDBOX.
      toolkits: options.survey === undefined ? defaultToolkits() : {},
      survey: options.survey,
    }),
    tokens,
    limits,
    onNotice: (runId, message) => logger.info({ runId }, message),
  });
  const queue = new SubmissionQueue(redis, blocking);
  const inFlight = new Map<string, Promise<void>>();

  const follow = (runId: string, start: () => Promise<RunReport>) => {
    if (inFlight.has(runId)) return;
    const work = start()
      .then((report) =>
        logger.info(
          {
            runId,
            state: report.state,
            reason: oneLine(report.reason, LOGGED_REASON_CHARS),
            replanRounds: report.replan_rounds,
            durationMs: report.duration_ms,
            tokens: report.tokens.total,
          },
          `run finished: ${report.state}`,
        ),
      )
      .catch((error: unknown) => logger.error({ runId, err: String(error) }, 'run follow failed'))
      .finally(() => inFlight.delete(runId));
    inFlight.set(runId, work);
  };

  /** The submission's run exists already: its report is the run's, whoever started it. */
  const followStarted = async (submission: Submission, raw: string) => {
    await queue.done(raw);
    return orchestrator.follow(submission.run_id);
  };

  const startSubmission = (submission: Submission, raw: string) =>
    follow(submission.run_id, async () => {
      if (await bus.getRun(submission.run_id)) return followStarted(submission, raw);
      logger.info({ runId: submission.run_id, problem: submission.problem }, 'run submitted');
      try {
        return await orchestrator.run(
          {
            runId: submission.run_id,
            problem: submission.problem,
            workspace: submission.workspace,
            ...(submission.plan ? { plan: submission.plan } : {}),
            ...(submission.limits ? { limits: runLimits(submission.limits) } : {}),
            ...(submission.run_checks.length > 0 ? { checks: submission.run_checks } : {}),
          },
          { onStarted: () => queue.done(raw) },
        );
      } catch (error) {
        if (error instanceof RunExistsError) {
          // Another master started this very submission meanwhile (it found it taken and not
          // yet started, while this one was still decomposing): the run is live, and a failed
          // report saved now would reach the CLI as the run's.
          logger.info({ runId: submission.run_id }, 'run started by another master; following it');
          return followStarted(submission, raw);
        }
        // The run never started (e.g. the LLM could not decompose): the CLI still gets a report.
        const report = {
          ...failedRunReport(submission, error),
          tokens: await tokens.usage(submission.run_id),
        };
        await reports.save(report);
        await queue.done(raw);
        return report;
      }
    });

  for (const run of await bus.listRuns()) {
    if (run.state === 'running') {
      logger.info({ runId: run.runId }, 'resuming run');
      follow(run.runId, () => orchestrator.follow(run.runId));
    }
  }
  for (const orphan of await queue.orphans()) startSubmission(orphan.submission, orphan.raw);

  let closing = false;
  const loop = (async () => {
    while (!closing) {
      try {
        const taken = await queue.take(1, (raw, problem) =>
          logger.warn({ raw: raw.slice(0, 200), problem }, 'dropped a malformed submission'),
        );
        if (taken) startSubmission(taken.submission, taken.raw);
      } catch (error) {
        if (closing) break;
        logger.warn({ err: String(error) }, 'taking submissions failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
  const masterId = options.masterId ?? 'master-orchestrator-1';
  const heartbeat = await startWorkerHeartbeat({
    registry: new RedisAgentStatusRegistry(redis, (options.heartbeatMs ?? 5000) * 6),
    agentId: masterId,
    role: 'master',
    current: () => (inFlight.size > 0 ? [...inFlight.keys()].join(',') : null),
    periodMs: options.heartbeatMs ?? 5000,
    onError: (error) => logger.warn({ err: String(error) }, 'heartbeat failed'),
  });
  const dashboard = boardSettings
    ? await (await import('@codegod/dashboard')).createDashboardHandler({
        sources: { bus, memory, tokenUsage: (runId) => tokens.usage(runId) },
        credentials: boardSettings.credentials,
      })
    : undefined;
  const board =
    bullBoard && boardSettings
      ? await bullBoard.serveBullBoard({
          redisUrl: config.redisUrl,
          settings: boardSettings,
          mounts: dashboard ? [{ path: '/dashboard', handler: dashboard.handle }] : [],
        })
      : undefined;
  if (board)
    logger.info(
      {
        url: board.url,
        host: board.settings.host,
        login: board.settings.credentials !== undefined,
        readOnly: board.settings.readOnly,
      },
      'Bull Board is serving the queues',
    );
  if (board)
    logger.info(
      { url: board.url.replace(/\/queues$/, '/dashboard/') },
      'the dashboard is serving runs, tasks and agents',
    );
  logger.info(
    { redis: config.redisUrl.replace(/\/\/[^@]*@/, '//***@'), llm: config.llmBaseUrl },
    'master ready',
  );

  return {
    async close() {
      closing = true;
      await heartbeat.stop();
      dashboard?.close();
      await board?.close();
      blocking.disconnect();
      await loop;
      await backend.close();
    },
  };
}
