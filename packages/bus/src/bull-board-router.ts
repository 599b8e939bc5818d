import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { KEY_PREFIX, queueName, WORKER_ROLES } from '@codegod/protocol';
import { Queue } from 'bullmq';
import express, { type RequestHandler, type Router } from 'express';
import { Redis } from 'ioredis';
import {
  type BullBoardSettings,
  type BullBoardSettingsOptions,
  resolveBullBoardSettings,
} from './bull-board-settings.js';

export * from './bull-board-settings.js';

/** Settings of `createBullBoardRouter`. */
export interface BullBoardRouterOptions {
  /** `redis://host:port` of the fleet's Redis. Required. */
  redisUrl: string;
  /** Where the router is mounted, e.g. `/queues`. Default: `/`. */
  basePath?: string;
  /** Refuse every change to queues and jobs (Bull Board's readOnlyMode). Default: true. */
  readOnly?: boolean;
}

/** An Express router serving Bull Board for the four role queues, and a way to close it. */
export interface BullBoardRouter {
  router: Router;
  close(): Promise<void>;
}

/** How long `close` waits for Redis to answer what was sent before it disconnects anyway. */
const CLOSE_TIMEOUT_MS = 2_000;

/** Mounts Bull Board over the `codegod` role queues, for looking at jobs in a browser. */
export function createBullBoardRouter(options: BullBoardRouterOptions): BullBoardRouter {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const queues = WORKER_ROLES.map(
    (role) => new Queue(queueName(role), { connection, prefix: KEY_PREFIX }),
  );
  const server = new ExpressAdapter();
  server.setBasePath(options.basePath ?? '/');
  const readOnlyMode = options.readOnly ?? true;
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode })),
    serverAdapter: server,
  });
  return {
    router: server.getRouter() as Router,
    async close() {
      // A board nobody opened may close while its queues' start-up commands (BullMQ asks Redis
      // for its version) still wait on a busy Redis: a plain disconnect rejected them where
      // nobody listens, one unhandled rejection per queue. So: the queues' start-up first, then
      // QUIT, which Redis answers after what was sent before it. Bounded, for a Redis that
      // does not answer.
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      });
      await Promise.race([
        Promise.all(queues.map((queue) => queue.waitUntilReady().catch(() => undefined))),
        bound,
      ]);
      await Promise.all(queues.map((queue) => queue.close()));
      await Promise.race([connection.quit().catch(() => undefined), bound]);
      clearTimeout(timer);
      connection.disconnect();
    },
  };
}

/** Settings of `serveBullBoard`: the Redis URL plus BullBoardSettingsOptions (env fallbacks). */
export interface BullBoardServerOptions extends BullBoardSettingsOptions {
  /** `redis://host:port` of the fleet's Redis. Required. */
  redisUrl: string;
  /** Settings resolved already (see resolveBullBoardSettings); the other options are then ignored. */
  settings?: BullBoardSettings;
  /**
   * More pages served next to the board, behind the same login and exempt from its read-only
   * rule (each guards its own changes), e.g. the dashboard at `/dashboard`. A handler sees
   * paths relative to its mount path. Default: none.
   */
  mounts?: {
    path: string;
    handler: (request: IncomingMessage, response: ServerResponse) => void;
  }[];
}

/** A running Bull Board server. */
export interface BullBoardServer {
  /** Where to open it, e.g. `http://127.0.0.1:3000/queues`. */
  url: string;
  /** The settings it runs with. */
  settings: BullBoardSettings;
  /** The address the server really listens on. */
  address: AddressInfo;
  close(): Promise<void>;
}

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Serves Bull Board at `/queues` (with `/` redirecting there and `/health` for probes). Listens
 * on 127.0.0.1 unless told otherwise; anywhere else it needs credentials (HTTP basic auth). It
 * is read-only unless `readOnly` is false: every request that is not a read is refused here,
 * before Bull Board, which refuses queue changes in its readOnlyMode too.
 */
export async function serveBullBoard(options: BullBoardServerOptions): Promise<BullBoardServer> {
  const settings = options.settings ?? resolveBullBoardSettings(options);
  const board = createBullBoardRouter({
    redisUrl: options.redisUrl,
    basePath: '/queues',
    readOnly: settings.readOnly,
  });
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_request, response) => {
    response.json({ ok: true });
  });
  if (settings.credentials) app.use(basicAuth(settings.credentials));
  for (const mount of options.mounts ?? [])
    app.use(mount.path, (request, response) => mount.handler(request, response));
  if (settings.readOnly)
    app.use((request, response, next) => {
      if (READ_ONLY_METHODS.has(request.method)) return next();
      response.status(405).json({
        error:
          'Bull Board is read-only. Set BULL_BOARD_READ_ONLY=false to allow pause, retry, clean and delete.',
      });
    });
  app.get('/', (_request, response) => response.redirect('/queues'));
  app.use('/queues', board.router);
  const server = app.listen(settings.port, settings.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
  } catch (error) {
    await board.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const port = address.port;
  const shownHost = ['0.0.0.0', '::'].includes(settings.host) ? '127.0.0.1' : settings.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/queues`,
    settings,
    address,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await board.close();
    },
  };
}

/** The SHA-256 of `text`, so secrets of any length compare in constant time. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Asks for HTTP basic auth and lets through only `credentials`. */
function basicAuth(credentials: { user: string; password: string }): RequestHandler {
  const user = digest(credentials.user);
  const password = digest(credentials.password);
  return (request, response, next) => {
    const [scheme, encoded] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() === 'basic' && encoded) {
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      // Both compared every time: the answer must not tell which one was wrong, or how early.
      const userOk = timingSafeEqual(digest(decoded.slice(0, Math.max(colon, 0))), user);
      const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), password);
      if (colon >= 0 && userOk && passwordOk) return next();
    }
    response
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="codegod Bull Board", charset="UTF-8"')
      .json({ error: 'Bull Board needs a login: BULL_BOARD_USER and BULL_BOARD_PASSWORD.' });
  };
}
