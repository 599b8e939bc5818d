import type { CommandRunner } from '@codegod/actions';
import type { CodegodConfig } from '@codegod/config';
import { createEmbeddedLlmClient, createLlmClient, type LlmClient } from '@codegod/llm';
import {
  defaultToolkits,
  type RunRequest,
  RunTokenLedger,
  startEmbeddedFleet,
} from '@codegod/orchestrator';
import { CodegodError, type RunReport } from '@codegod/protocol';
import type { LlmTarget } from './llm-target.js';
import { ProgressView } from './progress-view.js';
import { terminalText } from './terminal-text.js';

/** Checks the LLM answers and serves the model; a one-line error says what to do if not. */
async function checkLlm(llm: LlmClient): Promise<void> {
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
  target: LlmTarget = { kind: 'server' },
): Promise<RunReport> {
  const ledger = new RunTokenLedger();
  if (target.kind === 'local') {
    const llm = createEmbeddedLlmClient({ modelPath: target.modelPath, tokenMeter: ledger });
    process.stderr.write(`codegod: embedded engine on ${target.modelPath} (${target.why})\n`);
    try {
      return await runWith(llm, ledger, request, runner);
    } finally {
      await llm.close();
    }
  }
  const llm = createLlmClient({
    baseURL: config.llmBaseUrl,
    model: config.llmModel,
    apiKey: config.llmApiKey,
    tokenMeter: ledger,
  });
  return runWith(llm, ledger, request, runner);
}

/** Checks the LLM, then runs the master and the workers on it until the run ends. */
async function runWith(
  llm: LlmClient,
  ledger: RunTokenLedger,
  request: RunRequest,
  runner: CommandRunner,
): Promise<RunReport> {
  await checkLlm(llm);
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
