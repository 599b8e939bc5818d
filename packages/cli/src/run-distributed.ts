import { setTimeout as sleep } from 'node:timers/promises';
import type { CodegodConfig } from '@codegod/config';
import { SubmissionQueue } from '@codegod/fleet/client';
import type { RunRequest } from '@codegod/orchestrator';
import { CodegodError, newRunId, type RunReport, redisKeys } from '@codegod/protocol';
import { type FleetConnection, withFleet } from './fleet-connection.js';
import { ProgressView } from './progress-view.js';
import { createWorkspace } from './workspace-folder.js';

/** How long the master has to pick a submission up before the CLI says it is not running. */
const PICKUP_TIMEOUT_MS = 30_000;
/** How long the follower rides out a Redis outage (e.g. a restart) before giving up. */
const REDIS_OUTAGE_MS = 60_000;
/**
 * The master announces each saved report on the reports channel; this slow re-check only
 * covers an announcement missed while the subscriber reconnected.
 */
const REPORT_RECHECK_MS = 2_000;

/** Wakes the follower when the master announces `runId`'s report, or after `ms`. */
function reportAnnouncements(fleet: FleetConnection, runId: string) {
  const subscriber = fleet.redis.duplicate();
  subscriber.on('error', () => {});
  let wake: (() => void) | undefined;
  subscriber.on('message', (_channel: string, announced: string) => {
    if (announced === runId) wake?.();
  });
  const subscribed = subscriber.subscribe(redisKeys.reportsChannel()).catch(() => 0);
  return {
    subscribed,
    next(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
    close: () => subscriber.disconnect(),
  };
}

/**
 * Follows a run on the fleet until the master writes its report, showing live progress.
 * With `resubmit`, a run left running by a crashed master is handed to the master again.
 */
export async function followRun(
  fleet: FleetConnection,
  runId: string,
  options: { resubmit?: boolean } = {},
): Promise<RunReport> {
  const done = await fleet.reports.load(runId);
  if (done) return done;
  if (options.resubmit) {
    const snapshot = await fleet.bus.getRun(runId);
    if (!snapshot)
      throw new CodegodError('run-not-found', `No run ${runId}. List runs with \`codegod runs\`.`);
    await new SubmissionQueue(fleet.redis).submit({
      run_id: runId,
      problem: snapshot.problem,
      workspace: (await fleet.workspaces.get(runId)) ?? '/',
      plan: null,
      limits: null,
      // The run's checks are kept with the run itself; the master reads them from there.
      run_checks: [],
      submitted_at: Date.now(),
    });
  }
  const queue = new SubmissionQueue(fleet.redis);
  const announcements = reportAnnouncements(fleet, runId);
  // Subscribed before the first look, so a report saved in between is not missed.
  await announcements.subscribed;
  const view = new ProgressView(process.stderr);
  // The run's stream from its start: what happened so far, then each new event, steps too.
  const unsubscribe = fleet.bus.tailEvents(runId, (event) => view.update(event));
  try {
    const pickupDeadline = Date.now() + PICKUP_TIMEOUT_MS;
    // The master writes the report once the run ends and announces it; the follower reads it
    // when announced.
    let redisDownSince: number | undefined;
    while (true) {
      let report: RunReport | undefined;
      let unclaimed = false;
      try {
        report = await fleet.reports.load(runId);
        // Still in the inbox after the deadline: no master is taking work. (A master that took
        // it may decompose for a long while; that is not an error.)
        unclaimed = !report && Date.now() > pickupDeadline && (await queue.isWaiting(runId));
        redisDownSince = undefined;
      } catch (error) {
        // Redis restarting (the run state survives in its AOF): keep following for a while.
        redisDownSince ??= Date.now();
        if (Date.now() - redisDownSince > REDIS_OUTAGE_MS) {
          throw new CodegodError(
            'fleet-unreachable',
            `Lost Redis for ${REDIS_OUTAGE_MS / 1000}s while following ${runId} (${String(error)}). The run goes on without the CLI: when Redis is back, run \`codegod resume ${runId}\`.`,
          );
        }
        await sleep(250);
        continue;
      }
      if (report) return report;
      if (unclaimed) {
        throw new CodegodError(
          'master-absent',
          `No master picked up ${runId} within ${PICKUP_TIMEOUT_MS / 1000}s. Is master-orchestrator running? Check ./start-agents.sh status.`,
        );
      }
      await announcements.next(REPORT_RECHECK_MS);
    }
  } finally {
    announcements.close();
    unsubscribe();
    view.close();
  }
}

/** Submits a problem to the fleet's master service and follows it to its report. */
export async function runDistributed(
  config: CodegodConfig,
  request: RunRequest,
): Promise<RunReport> {
  return withFleet(async (fleet) => {
    const runId = request.runId ?? newRunId();
    // Only once the fleet answers: a run that cannot start leaves no empty folder behind.
    await createWorkspace(request.workspace);
    await new SubmissionQueue(fleet.redis).submit({
      run_id: runId,
      problem: request.problem,
      workspace: request.workspace,
      plan: request.plan ?? null,
      limits: request.limits
        ? {
            max_replan_rounds: request.limits.maxReplanRounds ?? null,
            max_wall_ms: request.limits.maxWallMs ?? null,
          }
        : null,
      run_checks: request.checks ?? [],
      submitted_at: Date.now(),
    });
    process.stderr.write(
      `codegod: submitted ${runId} to the fleet at ${config.redisUrl?.replace(/\/\/[^@]*@/, '//***@')}\n`,
    );
    return followRun(fleet, runId);
  });
}
