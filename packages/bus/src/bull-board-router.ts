import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { KEY_PREFIX, queueName, WORKER_ROLES } from '@codegod/protocol';
import { Queue } from 'bullmq';
import type { Router } from 'express';
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
