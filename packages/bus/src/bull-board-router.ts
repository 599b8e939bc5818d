import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { KEY_PREFIX, queueName, WORKER_ROLES } from '@codegod/protocol';
import { Queue } from 'bullmq';
import express, { type Router } from 'express';
import { Redis } from 'ioredis';

/** Settings of `createBullBoardRouter`. */
export interface BullBoardRouterOptions {
  /** `redis://host:port` of the fleet's Redis. Required. */
  redisUrl: string;
  /** Where the router is mounted, e.g. `/queues`. Default: `/`. */
  basePath?: string;
}

/** An Express router serving Bull Board for the four role queues, and a way to close it. */
export interface BullBoardRouter {
  router: Router;
  close(): Promise<void>;
}

/** Mounts Bull Board over the `codegod` role queues, for looking at jobs in a browser. */
export function createBullBoardRouter(options: BullBoardRouterOptions): BullBoardRouter {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const queues = WORKER_ROLES.map(
    (role) => new Queue(queueName(role), { connection, prefix: KEY_PREFIX }),
  );
  const server = new ExpressAdapter();
  server.setBasePath(options.basePath ?? '/');
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: server,
  });
  return {
    router: server.getRouter() as Router,
    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
      connection.disconnect();
    },
  };
}

/** Settings of `serveBullBoard`. */
export interface BullBoardServerOptions {
  /** `redis://host:port` of the fleet's Redis. Required. */
  redisUrl: string;
  /** TCP port. Env `BULL_BOARD_PORT` in the master. Default: 3000. */
  port?: number;
  /** Interface to listen on. Default: `0.0.0.0` (the container publishes it; compose binds it to loopback). */
  host?: string;
}

/** Serves Bull Board at `/queues` (with `/` redirecting there and `/health` for probes). */
export async function serveBullBoard(
  options: BullBoardServerOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const board = createBullBoardRouter({ redisUrl: options.redisUrl, basePath: '/queues' });
  const app = express();
  app.get('/health', (_request, response) => {
    response.json({ ok: true });
  });
  app.get('/', (_request, response) => response.redirect('/queues'));
  app.use('/queues', board.router);
  const host = options.host ?? '0.0.0.0';
  const server = app.listen(options.port ?? 3000, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 3000);
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/queues`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await board.close();
    },
  };
}
