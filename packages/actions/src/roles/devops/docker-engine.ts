import { existsSync } from 'node:fs';
import { defineSettings, wholeNumberSetting } from '@codegod/config';
// dockerode (and the gRPC, protobuf and ssh libraries it pulls in) loads on the first connect:
// most processes that create an engine handle never reach one.
import type Docker from 'dockerode';
import { z } from 'zod';
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

/** The client options of a `DOCKER_HOST` value; undefined when it is not one codegod reads. */
function clientOptions(dockerHost: string): Docker.DockerOptions | undefined {
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length);
    return socketPath.startsWith('/') ? { socketPath } : undefined;
  }
  try {
    const url = new URL(dockerHost);
    if (['tcp:', 'http:'].includes(url.protocol) && url.hostname && url.port) {
      return { host: url.hostname, port: Number(url.port), protocol: 'http' };
    }
  } catch {
    // Not a URL: undefined below.
  }
  return undefined;
}

const DOCKER_SETTINGS = defineSettings({
  dockerHost: {
    env: 'DOCKER_HOST',
    schema: z
      .string()
      .refine(
        (value) => clientOptions(value) !== undefined,
        'expected unix:///path/to/docker.sock or tcp://host:port',
      )
      .default(DEFAULT_HOST),
  },
  pingTimeoutMs: { schema: wholeNumberSetting(1, 3000) },
});

/** Validates the settings now and returns a lazy engine handle. Throws ConfigError on bad values. */
export function createDockerEngine(options: DockerEngineOptions = {}): DockerEngine {
  const { dockerHost, pingTimeoutMs } = DOCKER_SETTINGS.resolve(options, options.env);
  const clientSettings = clientOptions(dockerHost);

  async function connect(): Promise<Docker> {
    const { default: DockerClient } = await import('dockerode');
    const docker = new DockerClient(clientSettings);
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

  const socketPath = clientSettings?.socketPath;
  return {
    dockerHost,
    connect,
    async reachable() {
      // No socket file, no engine: the ping would fail the same way, after an HTTP request and
      // two error objects (the observer asks on every task, most often where Docker is absent).
      if (socketPath !== undefined && !existsSync(socketPath)) return false;
      return connect().then(
        () => true,
        () => false,
      );
    },
  };
}
