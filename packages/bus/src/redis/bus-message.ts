import { KEY_PREFIX, runEventSchema } from '@codegod/protocol';
import { z } from 'zod';

/**
 * The pub/sub channel that carries run events between bus instances, all but `task-step`
 * (steps go to the run's stream only). Pub/sub may drop messages while a process is down; the
 * streams and hashes stay the source of truth, and a restarted scheduler re-reads them.
 */
export const BUS_CHANNEL = `${KEY_PREFIX}:bus`;

/**
 * The channel of control messages (reload, cancel). Apart from events, so a worker, which
 * needs only these, is not sent every event of every run.
 */
export const BUS_CONTROL_CHANNEL = `${KEY_PREFIX}:bus:control`;

/** One message on BUS_CHANNEL or BUS_CONTROL_CHANNEL. */
export const busMessageSchema = z.union([
  z.object({
    event: runEventSchema,
    /** For task-end: the task generation the result belongs to. */
    generation: z.number().int().nonnegative().optional(),
  }),
  z.object({ control: z.enum(['reload', 'cancel']), run_id: z.string().min(1) }),
]);
/** One message on BUS_CHANNEL or BUS_CONTROL_CHANNEL. */
export type BusMessage = z.infer<typeof busMessageSchema>;
