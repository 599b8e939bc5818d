/**
 * Where each run's workspace is. The master records it before the run starts; workers look it
 * up per task. The bus stays unaware of workspaces. The fleet has an in-process and a Redis
 * adapter.
 */
export interface RunWorkspaces {
  /**
   * Records the run's workspace. A run keeps the first one recorded: setting the same again is
   * a no-op, another one throws RunExistsError (a run id is never reused).
   */
  set(runId: string, workspace: string): Promise<void>;
  /** The workspace, or undefined for an unknown run. */
  get(runId: string): Promise<string | undefined>;
}
