#!/usr/bin/env node
// Runs the scripted OpenAI-compatible server as a process, e.g. as a stand-in for vLLM.
// Arguments are parsed with node:util rather than commander: @codegod/llm does not declare
// commander, and the copy hoisted to the root node_modules is an unrelated old major.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadRulesFile } from './load-rules-file.js';
import { startScriptedLlmServer } from './scripted-llm-server.js';
import { SCRIPTED_FAULTS } from './scripted-rule.js';

const HELP = `Usage: scripted-server-bin [options]

A scripted OpenAI-compatible server that answers chat completions from rules.
Prints its base URL (ending in /v1) on stdout once listening; exits on SIGTERM.

Options:
  --port <port>    port to listen on; 0 picks a free one (default: 0)
  --host <host>    interface to listen on (default: 127.0.0.1)
  --rules <file>   JSON file with an array of rules, tried in order (default: none)
  --models <ids>   comma-separated model ids served at /v1/models (default: scripted-model)
  --models-fault <fault>
                   a fault GET /v1/models plays: hang, http-500, trickle, html, text-plain,
                   not-json, broken-chunking, huge-reply (default: none)
  -h, --help       show this help
`;

const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535, 'expected a port number from 0 to 65535'),
  host: z.string().min(1),
  rules: z.string().min(1).optional(),
  'models-fault': z.enum(SCRIPTED_FAULTS).optional(),
  models: z.string().transform((ids) =>
    ids
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  ),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      rules: { type: 'string' },
      models: { type: 'string', default: 'scripted-model' },
      'models-fault': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`--${String(issue.path[0])}: ${issue.message}`);
  }
  const args = parsed.data;
  const rules = args.rules ? await loadRulesFile(args.rules) : [];
  const server = await startScriptedLlmServer({
    port: args.port,
    host: args.host,
    rules,
    models: args.models,
    ...(args['models-fault'] ? { modelsFault: args['models-fault'] } : {}),
  });
  process.stdout.write(`${server.url}\n`);
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`scripted-llm-server: ${(error as Error).message}\n`);
  process.exit(2);
});
