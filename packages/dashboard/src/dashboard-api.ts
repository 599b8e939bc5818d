import type { RunSnapshot } from '@codegod/bus';
import {
  InvalidAgentIdError,
  isCheckpointId,
  MemoryNotFoundError,
  UnknownCheckpointError,
} from '@codegod/memory';
import { type TaskState, WORKER_ROLES } from '@codegod/protocol';
import { z } from 'zod';
import type { DashboardSources } from './dashboard-sources.js';
import { agentViews, type RunRow, runRow, runView, taskView } from './dashboard-views.js';

/** An answer of the API: a status and a JSON body. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

const ok = (body: unknown): ApiAnswer => ({ status: 200, body });
const notFound = (error: string): ApiAnswer => ({ status: 404, body: { error } });

/** The body of a restore: which checkpoint becomes the memory again. */
export const restoreBodySchema = z.object({ checkpoint_id: z.string().refine(isCheckpointId) });

/** Reads and changes the fleet's state for the dashboard, through its ports only. */
export class DashboardApi {
  constructor(private readonly sources: DashboardSources) {}

  /** Runs, newest first, with tokens; counters; queue depths; live agents. */
  async overview(): Promise<ApiAnswer> {
    const { bus } = this.sources;
    const runs = await bus.listRuns();
    const rows: RunRow[] = await Promise.all(
      runs.map(async (run) => runRow(run, await this.tokens(run.runId))),
    );
    const running = await Promise.all(
      runs.filter((r) => r.state === 'running').map((r) => bus.getRun(r.runId)),
    );
    return ok({
      now: Date.now(),
      runs: rows,
      metrics: bus.metrics ? await bus.metrics() : null,
      queues: queueDepths(running.filter((r): r is RunSnapshot => r !== undefined)),
    });
  }

  /** One run with its DAG. */
  async run(runId: string): Promise<ApiAnswer> {
    const found = await this.runWithEvents(runId);
    return found ? ok(found.view) : notFound(`no run ${runId}`);
  }

  /** One task's steps, by attempt and iteration. */
  async task(runId: string, taskId: string): Promise<ApiAnswer> {
    const found = await this.runWithEvents(runId);
    if (!found) return notFound(`no run ${runId}`);
    if (!found.view.tasks.some((t) => t.id === taskId))
      return notFound(`no task ${taskId} in run ${runId}`);
    return ok(taskView(found.view, taskId, found.events));
  }

  /** Every agent with a heartbeat or a memory. */
  async agents(): Promise<ApiAnswer> {
    const { bus, memory } = this.sources;
    const statuses = bus.agents ? await bus.agents() : [];
    const ids = await memory.listAgents();
    const memories = new Map(
      await Promise.all(
        ids.map(
          async (id) =>
            [
              id,
              {
                memory: (await memory.load(id)) ?? null,
                checkpoints: await memory.listCheckpoints(id),
              },
            ] as const,
        ),
      ),
    );
    return ok({ now: Date.now(), agents: agentViews(statuses, memories, Date.now()) });
  }

  /** Wipes, checkpoints or restores an agent's memory. */
  async changeMemory(
    agentId: string,
    change: 'wipe' | 'checkpoint' | 'restore',
    body: unknown,
  ): Promise<ApiAnswer> {
    const { memory } = this.sources;
    try {
      const known = await memory.listAgents();
      if (!known.includes(agentId)) return notFound(`no memory for agent ${agentId}`);
      if (change === 'wipe') {
        await memory.wipe(agentId);
        return ok({ wiped: agentId });
      }
      if (change === 'checkpoint') return ok({ checkpoint_id: await memory.checkpoint(agentId) });
      const parsed = restoreBodySchema.safeParse(body);
      if (!parsed.success)
        return { status: 400, body: { error: 'send {"checkpoint_id": "<uuid>"} to restore' } };
      const restored = await memory.restore(agentId, parsed.data.checkpoint_id);
      return ok({ restored: agentId, memory: restored });
    } catch (error) {
      if (error instanceof UnknownCheckpointError || error instanceof MemoryNotFoundError)
        return notFound(error.message);
      if (error instanceof InvalidAgentIdError)
        return { status: 400, body: { error: error.message } };
      throw error;
    }
  }

  private async runWithEvents(runId: string) {
    const { bus } = this.sources;
    const snapshot = await bus.getRun(runId);
    if (!snapshot) return undefined;
    const events = await bus.readEvents(runId);
    return { view: runView(snapshot, events, await this.tokens(runId)), events };
  }

  private async tokens(runId: string) {
    return this.sources.tokenUsage ? await this.sources.tokenUsage(runId) : null;
  }
}

/** Tasks waiting on each role's queue and running there, over the running runs. */
function queueDepths(runs: readonly RunSnapshot[]) {
  const count = (role: string, state: TaskState) =>
    runs.reduce(
      (sum, run) => sum + run.tasks.filter((t) => t.task.role === role && t.state === state).length,
      0,
    );
  return WORKER_ROLES.map((role) => ({
    role,
    queued: count(role, 'queued'),
    running: count(role, 'running'),
  }));
}
