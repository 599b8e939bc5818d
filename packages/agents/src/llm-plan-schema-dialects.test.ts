import { toolkitFor } from '@codegod/actions';
import { checkNormalisedReply, dialectJsonSchema, SERVER_KINDS } from '@codegod/llm';
import { WORKER_ROLES } from '@codegod/protocol';
import { jsonSchemaArbitrary } from '@codegod/testkit';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { llmPlanSchema } from './llm-plan-schema.js';

// Every reply a server of each kind may write under the plan schema it is sent (each role's
// real toolkit, typed arguments included) passes zod after normalisation: guided decoding
// leaves nothing to repair.
describe.each(SERVER_KINDS)('plan schemas sent to a %s server', (kind) => {
  it.each(WORKER_ROLES)('every %s reply generated from the sent schema passes zod', (role) => {
    const schema = llmPlanSchema(toolkitFor(role).actions);
    fc.assert(
      fc.property(jsonSchemaArbitrary(dialectJsonSchema(schema, kind)), (reply) => {
        const check = checkNormalisedReply(schema, reply);
        if (!check.ok) throw new Error(`${JSON.stringify(reply)}: ${check.issues.join('; ')}`);
      }),
      { numRuns: 60 },
    );
  });
});
