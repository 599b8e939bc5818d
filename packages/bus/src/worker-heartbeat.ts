import type { Role } from '@codegod/protocol';
import type { AgentStatus, AgentStatusRegistry } from './agent-status.js';

/** Settings of `startWorkerHeartbeat`. */
export interface WorkerHeartbeatOptions {
  registry: AgentStatusRegistry;
  agentId: string;
  /** The worker's role, or `master` for the orchestrator service. */
  role: Role;
  /** What the agent runs now (`runId/taskId`, or several joined), or null when idle. */
  current: () => string | null;
  /** Period of the beats that keep the agent alive in the registry, in ms. */
  periodMs: number;
  /**
   * The shortest gap, in ms, between two beats caused by `changed()`; they happen only when
   * idle/busy flipped. Default: 100: a write per task would cost more than a short task itself.
   * 0 beats at every change, for a registry in memory.
   */
  flipMs?: number;
  /** Called with a beat that failed; the heartbeat goes on. */
  onError: (error: unknown) => void;
}

/** A running heartbeat. */
export interface WorkerHeartbeat {
  /** Says the agent took or finished a task; beats if idle/busy flipped (see `flipMs`). */
  changed(): void;
  /** Reports the agent as stopping; it keeps beating until `stop`. */
  stopping(): Promise<void>;
  /** Stops beating and removes the agent from the registry; a late beat cannot bring it back. */
  stop(): Promise<void>;
}

/**
 * Runs an agent's idle/busy heartbeat into `codegod:agents:status` (or the in-memory
 * registry): one beat now, one every period, and one when idle/busy flips. Used by both bus
 * adapters' workers and by the master service.
 */
export async function startWorkerHeartbeat(
  options: WorkerHeartbeatOptions,
): Promise<WorkerHeartbeat> {
  const flipMs = options.flipMs ?? 100;
  let stopping = false;
  let gone = false;
  let reported: AgentStatus['state'] | undefined;
  let flipTimer: NodeJS.Timeout | undefined;
  const stateNow = (current: string | null): AgentStatus['state'] =>
    stopping ? 'stopping' : current !== null ? 'busy' : 'idle';
  const beat = async () => {
    if (gone) return;
    const current = options.current();
    reported = stateNow(current);
    try {
      await options.registry.beat({
        agent_id: options.agentId,
        role: options.role,
        state: reported,
        current_task: current,
        last_seen: Date.now(),
        pid: process.pid,
      });
    } catch (error) {
      options.onError(error);
    }
  };
  const beatIfFlipped = () => {
    if (stateNow(options.current()) !== reported) void beat();
  };
  await beat();
  const timer = setInterval(() => void beat(), options.periodMs);
  timer.unref();
  return {
    changed() {
      if (flipMs === 0) return void beat();
      if (flipTimer) return;
      // `current_task` may lag by a period between flips; the state does not.
      flipTimer = setTimeout(() => {
        flipTimer = undefined;
        beatIfFlipped();
      }, flipMs);
      flipTimer.unref();
    },
    async stopping() {
      stopping = true;
      await beat();
    },
    async stop() {
      gone = true;
      clearInterval(timer);
      clearTimeout(flipTimer);
      try {
        await options.registry.remove(options.agentId);
      } catch (error) {
        options.onError(error);
      }
    },
  };
}
