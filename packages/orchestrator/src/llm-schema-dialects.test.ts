import { checkNormalisedReply, dialectJsonSchema, SERVER_KINDS } from '@codegod/llm';
import { jsonSchemaArbitrary } from '@codegod/testkit';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { llmTaskGraphSchema } from './decompose.js';
import { llmReplanSchema } from './replan.js';

// The master's replies: every value a server of each kind may write under the schema it is
// sent passes zod (after normalisation), so guided decoding leaves nothing to repair.
describe.each(SERVER_KINDS)('master reply schemas sent to a %s server', (kind) => {
  it.each([
    ['task_graph', llmTaskGraphSchema],
    ['replan', llmReplanSchema],
  ] as const)('every %s reply generated from the sent schema passes zod', (_name, schema) => {
    fc.assert(
      fc.property(jsonSchemaArbitrary(dialectJsonSchema(schema, kind)), (reply) => {
        const check = checkNormalisedReply(schema, reply);
        if (!check.ok) throw new Error(`${JSON.stringify(reply)}: ${check.issues.join('; ')}`);
      }),
      { numRuns: 100 },
    );
  });
});
