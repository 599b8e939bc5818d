/**
 * Where each run's workspace is. The master records it before the run starts; workers look it
 * up per task. The bus stays unaware of workspaces. The fleet has an in-process and a Redis
 * adapter.
 */
export interface RunWorkspaces {
  set(runId: string, workspace: string): Promise<void>;
  /** The workspace, or undefined for an unknown run. */
  get(runId: string): Promise<string | undefined>;
}
