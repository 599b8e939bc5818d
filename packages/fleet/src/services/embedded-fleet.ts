import type { RoleToolkit } from '@codegod/actions';
import { type AgentLimitsInput, createAgent } from '@codegod/agents';
import type { InProcessTaskBus, WorkerHandle } from '@codegod/bus';
import type { LlmClient } from '@codegod/llm';
import { InMemoryRunFactStore, type MemoryStore } from '@codegod/memory';
import {
  limitsFromEnvironment,
  Orchestrator,
  type OrchestratorLimits,
  type RunCheckRunner,
} from '@codegod/orchestrator';
import { type TokenMeter, WORKER_ROLES, type WorkerRole } from '@codegod/protocol';
import { masterActionPorts } from '../master/master-ports.js';
import type { MasterSurveyOptions } from '../master/master-survey.js';
import { type MemoryBackend, memoryBackend } from '../stores/backends.js';
import type { InMemoryReportStore } from '../stores/report-store.js';
import { startRoleWorker } from './role-worker.js';

/** Settings of the embedded fleet: the master and one worker per role in this process. */
export interface EmbeddedFleetOptions {
  /** The LLM client every agent and the master use; give it `backend.tokens` as its token meter. */
  llm: LlmClient;
  /**
   * The stores the fleet works over. Default: a new `memoryBackend({ bus })`, whose token meter
   * the LLM client does not know, so tokens are not counted.
   */
  backend?: MemoryBackend;
  /** The toolkit of each role. */
  toolkits: Record<WorkerRole, RoleToolkit>;
  /** Workers per role. Default: 1. */
  workersPerRole?: number;
  /** Bounds of each run. */
  limits?: Partial<OrchestratorLimits>;
  /** Bounds of each agent's task. */
  agentLimits?: AgentLimitsInput;
  /** Task attempts and backoff of the in-process bus of the default backend (defaults as InProcessTaskBus). */
  bus?: { attempts?: number; backoffMs?: number };
  /**
   * Runs each run's own checks (`--check`, master-proposed). Default: the testing toolkit's
   * check runner, so they go through the same sandbox runner as the agents' actions.
   */
  checks?: RunCheckRunner;
  /**
   * The master's workspace survey before decomposing and replanning; `false` skips it.
   * Default: the file walk, `git status` and every toolkit's observer.
   */
  survey?: MasterSurveyOptions | false;
  /** Lines of progress from the master (replans, stalls). */
  onNotice?: (runId: string, message: string) => void;
}

/** A running embedded fleet. */
export interface EmbeddedFleet {
  orchestrator: Orchestrator;
  bus: InProcessTaskBus;
  memory: MemoryStore;
  reports: InMemoryReportStore;
  tokens: TokenMeter;
  /** Stops the workers and the bus. */
  close(): Promise<void>;
}

/**
 * Starts codegod in one process with no Redis: the in-process bus and memory, the master and
 * one worker per role, using the same code as the distributed fleet above the ports.
 */
export async function startEmbeddedFleet(options: EmbeddedFleetOptions): Promise<EmbeddedFleet> {
  const backend = options.backend ?? memoryBackend(options.bus ? { bus: options.bus } : {});
  const { bus, memory, reports, workspaces, tokens } = backend;
  // One store for every agent here: what one task finds, the run's later tasks see.
  const facts = new InMemoryRunFactStore();
  const workers: WorkerHandle[] = [];
  const perRole = options.workersPerRole ?? 1;
  for (const role of WORKER_ROLES) {
    for (let i = 1; i <= perRole; i++) {
      workers.push(
        await startRoleWorker({
          bus,
          role,
          workspaces,
          agentId: `${role}-${i}`,
          createRunner: (agentId) =>
            createAgent({
              agentId,
              toolkit: options.toolkits[role],
              llm: options.llm,
              memory,
              facts,
              recordStep: (event) => bus.appendEvent(event),
              ...(options.agentLimits ? { limits: options.agentLimits } : {}),
            }),
        }),
      );
    }
  }
  const sandbox = [
    ...new Set(Object.values(options.toolkits).flatMap((t) => (t.sandbox ? [t.sandbox] : []))),
  ];
  const orchestrator = new Orchestrator({
    sandbox,
    bus,
    llm: options.llm,
    memory,
    reports,
    workspaces,
    ...masterActionPorts({
      checks: options.checks ?? options.toolkits.testing,
      toolkits: options.toolkits,
      survey: options.survey,
    }),
    tokens,
    // Unset bounds come from CODEGOD_MAX_TASKS and friends, as on the master service.
    limits: { ...limitsFromEnvironment(process.env), ...options.limits },
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
  });
  return {
    orchestrator,
    bus,
    memory,
    reports,
    tokens,
    async close() {
      await Promise.all(workers.map((w) => w.close({ force: true })));
      await backend.close();
    },
  };
}
