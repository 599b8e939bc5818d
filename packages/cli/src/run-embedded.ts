import type { CommandRunner } from '@codegod/actions';
import type { CodegodConfig } from '@codegod/config';
import { createLlmClient } from '@codegod/llm';
import {
  defaultToolkits,
  type RunRequest,
  RunTokenLedger,
  startEmbeddedFleet,
} from '@codegod/orchestrator';
import { CodegodError, type RunReport } from '@codegod/protocol';
import { ProgressView } from './progress-view.js';
import { terminalText } from './terminal-text.js';
import { createWorkspace } from './workspace-folder.js';

/** Checks the LLM answers and serves the model; a one-line error says what to do if not. */
async function checkLlm(llm: ReturnType<typeof createLlmClient>): Promise<void> {
  const health = await llm.health();
  if (!health.ok) throw new CodegodError('llm-unreachable', health.message);
}

/**
 * Runs a problem embedded: master and one worker per role in this process, no Redis. Every
 * command of every role goes through `runner`.
 */
export async function runEmbedded(
  config: CodegodConfig,
  request: RunRequest,
  runner: CommandRunner,
): Promise<RunReport> {
  const ledger = new RunTokenLedger();
  const llm = createLlmClient({
    baseURL: config.llmBaseUrl,
    model: config.llmModel,
    apiKey: config.llmApiKey,
    tokenMeter: ledger,
  });
  await checkLlm(llm);
  // Only now: a run that cannot start leaves no empty folder behind.
  await createWorkspace(request.workspace);
  const view = new ProgressView(process.stderr);
  const fleet = await startEmbeddedFleet({
    llm,
    ledger,
    toolkits: defaultToolkits({ runner }),
    onNotice: (_runId, message) => process.stderr.write(`codegod: ${terminalText(message)}\n`),
  });
  const unsubscribe = fleet.bus.subscribe((event) => view.update(event));
  const controller = new AbortController();
  const interrupt = () => {
    process.stderr.write('\ncodegod: interrupted; cancelling the run (Ctrl-C again to quit now)\n');
    process.off('SIGINT', interrupt);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  try {
    return await fleet.orchestrator.run(request, { signal: controller.signal });
  } finally {
    process.off('SIGINT', interrupt);
    unsubscribe();
    view.close();
    await fleet.close();
  }
}
