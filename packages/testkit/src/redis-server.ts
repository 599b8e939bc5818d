import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** Settings for a throwaway redis-server. */
export interface RedisServerOptions {
  /** Turn on the append-only file, so a restart keeps the data. Default: false. */
  aof?: boolean;
  /** Milliseconds to wait for the server to answer PING. Default: 10000. */
  startTimeoutMs?: number;
}

/** A running throwaway redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The data directory (AOF lives here). */
  readonly dir: string;
  /** Kills the server (SIGKILL) and starts it again on the same port and directory. */
  restart(): Promise<void>;
  /** Kills the server and removes its directory. */
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function waitForPing(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * Starts a redis-server on a free port with its own temp directory. It never touches the
 * machine's shared Redis. Install redis-server first (`apt-get install -y redis-server`).
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'codegod-redis-'));
  const timeout = options.startTimeoutMs ?? 10_000;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.aof ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--maxmemory-policy',
    'noeviction',
  ];
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    child.on('error', () => {});
    await waitForPing(port, timeout, child);
    return child;
  };
  let child = await launch();
  const cleanupOnExit = () => child.kill('SIGKILL');
  process.once('exit', cleanupOnExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async restart() {
      await killAndWait(child);
      child = await launch();
    },
    async stop() {
      process.off('exit', cleanupOnExit);
      await killAndWait(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
