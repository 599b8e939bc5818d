// BullMQ (about 190 modules) is loaded by the first bus operation that needs a queue or a
// worker, not when this package is imported: the embedded engine imports the package and never
// uses Redis, and a CLI that only submits and follows runs never touches a queue.

type Bullmq = typeof import('bullmq');

let loading: Promise<Bullmq> | undefined;
let loaded: Bullmq | undefined;

/** Loads BullMQ once; every later call resolves with the same module. */
export async function loadBullmq(): Promise<Bullmq> {
  loading ??= import('bullmq').then((module) => {
    loaded = module;
    return module;
  });
  return loading;
}

/** BullMQ, which `loadBullmq` must have loaded: a programming error otherwise. */
export function bullmq(): Bullmq {
  if (!loaded) throw new Error('BullMQ is used before loadBullmq() resolved');
  return loaded;
}
