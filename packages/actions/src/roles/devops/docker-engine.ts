import { ConfigError } from '@codegod/protocol';
import Docker from 'dockerode';
import { DockerUnavailableError } from '../../errors/docker-unavailable-error.js';

/** Settings for reaching the Docker engine. */
export interface DockerEngineOptions {
  /**
   * Where the engine listens: `unix:///path/docker.sock` or `tcp://host:port` (`http://` too).
   * Default: `DOCKER_HOST` from `env`, else `unix:///var/run/docker.sock`.
   */
  dockerHost?: string;
  /** Milliseconds to wait for the engine's `/_ping` before calling it unreachable. Default: 3000. */
  pingTimeoutMs?: number;
  /** Where `DOCKER_HOST` is read from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Opens a checked connection to the engine for one action. */
export interface DockerEngine {
  /** Where the engine is looked for, as shown in errors. */
  readonly dockerHost: string;
  /** A client whose engine answered `/_ping`; throws DockerUnavailableError otherwise. */
  connect(): Promise<Docker>;
  /** True when the engine answers `/_ping`. */
  reachable(): Promise<boolean>;
}

const DEFAULT_HOST = 'unix:///var/run/docker.sock';

function clientOptions(dockerHost: string): Docker.DockerOptions {
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length);
    if (socketPath.startsWith('/')) return { socketPath };
  } else {
    try {
      const url = new URL(dockerHost);
      if (['tcp:', 'http:'].includes(url.protocol) && url.hostname && url.port) {
        return { host: url.hostname, port: Number(url.port), protocol: 'http' };
      }
    } catch {
      // Falls through to the ConfigError below.
    }
  }
  throw new ConfigError(
    'dockerHost',
    'DOCKER_HOST',
    `expected unix:///path/to/docker.sock or tcp://host:port (got ${JSON.stringify(dockerHost)})`,
  );
}

/** Validates the settings now and returns a lazy engine handle. Throws ConfigError on bad values. */
export function createDockerEngine(options: DockerEngineOptions = {}): DockerEngine {
  const env = options.env ?? process.env;
  const dockerHost = options.dockerHost ?? (env.DOCKER_HOST || DEFAULT_HOST);
  const clientSettings = clientOptions(dockerHost);
  const pingTimeoutMs = options.pingTimeoutMs ?? 3000;
  if (!Number.isInteger(pingTimeoutMs) || pingTimeoutMs < 1) {
    throw new ConfigError(
      'pingTimeoutMs',
      undefined,
      `expected a positive integer (got ${pingTimeoutMs})`,
    );
  }

  async function connect(): Promise<Docker> {
    const docker = new Docker(clientSettings);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${pingTimeoutMs} ms`)),
        pingTimeoutMs,
      );
    });
    try {
      await Promise.race([docker.ping(), timeout]);
      return docker;
    } catch (error) {
      throw new DockerUnavailableError(dockerHost, error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    dockerHost,
    connect,
    reachable: () =>
      connect().then(
        () => true,
        () => false,
      ),
  };
}
