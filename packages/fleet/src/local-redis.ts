import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodegodError } from '@codegod/protocol';
import { Redis } from 'ioredis';
import {
  findFreePort,
  isAlive,
  portInUse,
  randomSecret,
  runProcess,
  waitForExit,
} from './run-process.js';

/** The port the local runtime's redis-server takes unless CODEGOD_REDIS_PORT names one. */
export const DEFAULT_LOCAL_REDIS_PORT = 6380;

/**
 * The local runtime's own redis-server: AOF on, noeviction, a password, 127.0.0.1 only, data
 * in `<state>/redis`, log in `<state>/logs/redis.log`. The password lives in a 0600 config
 * file, never on a command line.
 */
export class LocalRedis {
  private readonly dir: string;
  private readonly logFile: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'redis');
    this.logFile = join(stateDir, 'logs', 'redis.log');
  }

  /** The pid of the running server this state dir started, if any. */
  runningPid(): number | undefined {
    const pid = Number(readOptional(join(this.dir, 'redis.pid')));
    return isAlive(pid) ? pid : undefined;
  }

  /**
   * Starts the server unless it runs, and returns its URL once it answers PING. The port is
   * `requestedPort`, else the one used last time (so REDIS_URL survives a restart), else 6380,
   * else any free port.
   */
  async start(requestedPort?: number): Promise<string> {
    if (runProcess('redis-server', ['--version']).status !== 0) {
      throw new CodegodError(
        'fleet-failed',
        'redis-server is not installed (apt-get install redis-server), or set REDIS_URL to a Redis of your own',
      );
    }
    mkdirSync(this.dir, { recursive: true });
    chmodSync(this.dir, 0o700);
    mkdirSync(join(this.logFile, '..'), { recursive: true });
    const passwordFile = join(this.dir, 'password');
    if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomSecret(), { mode: 0o600 });
    const password = readFileSync(passwordFile, 'utf8').trim();
    let port: number;
    if (this.runningPid() !== undefined) {
      port = Number(readOptional(join(this.dir, 'port')));
    } else {
      port = await this.choosePort(requestedPort);
      const config = [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        'appendonly yes',
        'appendfsync everysec',
        'maxmemory-policy noeviction',
        'save ""',
        `requirepass ${password}`,
        'daemonize yes',
        `pidfile ${join(this.dir, 'redis.pid')}`,
        `logfile ${this.logFile}`,
      ];
      writeFileSync(join(this.dir, 'redis.conf'), `${config.join('\n')}\n`, { mode: 0o600 });
      writeFileSync(join(this.dir, 'port'), `${port}\n`);
      const started = runProcess('redis-server', [join(this.dir, 'redis.conf')]);
      if (started.status !== 0) {
        throw new CodegodError(
          'fleet-failed',
          `redis-server did not start on port ${port}: ${started.stderr.trim() || started.stdout.trim()}; see ${this.logFile}`,
        );
      }
    }
    const url = `redis://default:${password}@127.0.0.1:${port}`;
    for (let tries = 0; tries < 100; tries += 1) {
      if (await pings(url)) return url;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new CodegodError(
      'fleet-failed',
      `redis-server on port ${port} did not answer; see ${this.logFile}`,
    );
  }

  /** Stops the server (SHUTDOWN flushes the AOF; TERM, then KILL, if that fails). */
  async stop(): Promise<void> {
    const pid = this.runningPid();
    if (pid !== undefined) {
      const password = readOptional(join(this.dir, 'password')).trim();
      const port = Number(readOptional(join(this.dir, 'port')));
      const client = new Redis({
        host: '127.0.0.1',
        port,
        password,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.shutdown().catch(() => {});
      } catch {
        process.kill(pid, 'SIGTERM');
      } finally {
        client.disconnect();
      }
      if (!(await waitForExit(pid, 10_000))) process.kill(pid, 'SIGKILL');
    }
    rmSync(join(this.dir, 'redis.pid'), { force: true });
  }

  private async choosePort(requestedPort?: number): Promise<number> {
    if (requestedPort !== undefined) {
      if (await portInUse(requestedPort)) {
        throw new CodegodError(
          'fleet-failed',
          `CODEGOD_REDIS_PORT ${requestedPort} is already in use; pick another or unset it`,
        );
      }
      return requestedPort;
    }
    const last = Number(readOptional(join(this.dir, 'port')));
    for (const candidate of [last, DEFAULT_LOCAL_REDIS_PORT]) {
      if (Number.isInteger(candidate) && candidate > 0 && !(await portInUse(candidate)))
        return candidate;
    }
    return findFreePort();
  }
}

/** True when the Redis at `url` answers PING (bounded: one attempt, 2 s). */
export async function pings(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
