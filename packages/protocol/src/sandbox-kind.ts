import { z } from 'zod';

/**
 * How an agent's commands are confined: by bubblewrap (the default on Linux), by the container
 * the worker runs in (the fleet images), or not at all (`none`, only on explicit opt-in).
 */
export const SANDBOX_KINDS = ['bubblewrap', 'container', 'none'] as const;

/** How an agent's commands are confined. */
export const sandboxKindSchema = z.enum(SANDBOX_KINDS);
/** How an agent's commands are confined. */
export type SandboxKind = z.infer<typeof sandboxKindSchema>;
