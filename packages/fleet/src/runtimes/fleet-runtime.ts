/** Where the fleet's code and state are, and how a runtime talks to its user. */
export interface FleetContext {
  /** The repository root: the compose file, the built services and the CLI are under it. */
  root: string;
  /** The state dir (CODEGOD_STATE_DIR, default `<root>/.state`). */
  stateDir: string;
  /** The environment the verb runs with: the caller's, overlaid with what `up` recorded. */
  environment: Record<string, string | undefined>;
  /** Prints one progress or result line for the user. */
  say(line: string): void;
}

/** What `logs` prints. */
export interface LogsRequest {
  /** A service, a local replica (`backend-agent-2`), or undefined for every service. */
  service?: string;
  lines: number;
  follow: boolean;
}

/**
 * A way to run the fleet's services: docker-compose when a Docker engine answers, pm2 on this
 * machine otherwise. The verbs of `codegod fleet` (and so of start-agents.sh) map onto it.
 */
export interface FleetRuntime {
  readonly kind: 'docker' | 'local';
  /** Starts what is not running yet; running it again starts only what is missing. */
  up(): Promise<void>;
  /** Stops everything the fleet started; data and logs stay. */
  down(): Promise<void>;
  /** Prints recent log lines, or follows them; resolves to the exit code. */
  logs(request: LogsRequest): Promise<number>;
  /** Runs `count` replicas of an agent service. */
  scale(service: string, count: number): Promise<void>;
  /** Restarts one service (every replica) or all of them. */
  restart(service?: string): Promise<void>;
  /** Prints the fleet's processes (the first part of `status`). */
  printProcesses(): Promise<void>;
  /** Runs `codegod ARGS` where the fleet's Redis is reachable; resolves to its exit code. */
  runCodegod(args: readonly string[]): Promise<number>;
}
