import { CodegodError } from '@codegod/protocol';

/** No Docker engine answers at the configured socket or host; retrying will not conjure one. */
export class DockerUnavailableError extends CodegodError {
  /** Where the engine was looked for, e.g. `unix:///var/run/docker.sock`. */
  readonly dockerHost: string;

  constructor(dockerHost: string, cause?: unknown) {
    const reason = cause instanceof Error ? ` (${cause.message})` : '';
    super(
      'docker-unavailable',
      `no Docker engine reachable at ${dockerHost}${reason}; start Docker or point DOCKER_HOST ` +
        'at a running engine.',
      { isRetryable: false, cause },
    );
    this.dockerHost = dockerHost;
  }
}
