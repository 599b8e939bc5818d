// @codegod/fleet/client: what a client of a running fleet needs (the codegod command's fleet
// commands): the Redis check, the Redis backend and the submission inbox. It loads none of the
// agents, actions, LLM client or master code, which only the services run: `codegod status`,
// `show` or a `build` on the fleet started with some 675 modules before, most of them unused.
export * from './errors/fleet-unreachable-error.js';
export * from './services/check-redis.js';
export * from './stores/fleet-backend.js';
export * from './stores/redis-backend.js';
export * from './stores/report-store.js';
export * from './stores/submission-queue.js';
