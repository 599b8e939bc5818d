// LLM concurrency: N agents busy at once in one process, sharing one LlmClient, against the
// scripted server answering every call after a fixed latency. Prints the server's peak of
// requests in flight per (agents, maxConcurrency); the goal is peak = min(agents, limit).
// Run: npx tsx --conditions=@codegod/source scripts/bench/llm.ts [--quick]
import { performance } from 'node:perf_hooks';
import { createAgent } from '@codegod/agents';
import { createFileToolkit } from '@codegod/agents/testing';
import { createLlmClient } from '@codegod/llm';
import { startScriptedLlmServer } from '@codegod/llm/testing';
import { createInMemoryMemoryStore } from '@codegod/memory';
import { tempDir } from '@codegod/testkit';
import { type BenchRow, formatTable, isEntryPoint, ms } from './bench-table.js';

/** Latency of every scripted reply, standing in for a model's generation time. */
const LATENCY_MS = 200;
/** The smaller limit, to show the client holding requests back. */
const SMALL_LIMIT = 2;

const reasoning = {
  problem_analysis: 'out.txt must say ok',
  root_causes: ['the file is missing'],
  approach: 'write the file',
  risks: [],
  success_criteria: ['out.txt contains ok'],
  conclusion: 'write out.txt',
};
// The one reply of an iteration: the Reasoning fields, then the plan.
const plan = {
  ...reasoning,
  steps: [
    {
      action: 'write_file',
      target: 'out.txt',
      method: 'write',
      expected: 'out.txt says ok',
      args: { path: 'out.txt', content: 'ok' },
    },
  ],
  estimated_duration: '1 second',
  confidence: 0.9,
};

/** Runs `agents` agents at once (one task each, one reason-and-plan call) with `limit` in flight. */
async function measure(agents: number, limit: number) {
  const server = await startScriptedLlmServer({
    rules: [{ match: { phase: 'plan' }, reply: plan, latencyMs: LATENCY_MS }],
  });
  const memory = createInMemoryMemoryStore();
  const workspaces = await Promise.all(
    Array.from({ length: agents }, () => tempDir('codegod-bench-llm-')),
  );
  const llm = createLlmClient({
    baseURL: server.url,
    model: 'scripted-model',
    maxConcurrency: limit,
    env: {},
  });
  try {
    const started = performance.now();
    const results = await Promise.all(
      workspaces.map((workspace, i) =>
        createAgent({
          agentId: `bench-agent-${i}`,
          toolkit: createFileToolkit({ role: 'backend', path: 'out.txt', content: 'ok' }),
          llm,
          memory,
        }).run(
          {
            id: `task-${i}`,
            description: 'Write ok into out.txt',
            role: 'backend',
            depends_on: [],
          },
          { runId: 'bench-llm', workspace: workspace.path },
        ),
      ),
    );
    const wallMs = performance.now() - started;
    const failed = results.filter((r) => !r.success).length;
    if (failed > 0) throw new Error(`${failed} of ${agents} bench tasks failed`);
    return { peak: server.peakInFlight, requests: server.requests.length, wallMs };
  } finally {
    await Promise.all(workspaces.map((w) => w.remove()));
    await server.close();
  }
}

/** The LLM concurrency rows: each agent count with a limit that allows it, then a small one. */
export async function llmConcurrencyBench(quick: boolean): Promise<BenchRow[]> {
  const counts = quick ? [1, 2, 4] : [1, 2, 4, 8];
  const big = Math.max(...counts);
  const rows: BenchRow[] = [];
  await measure(1, big); // warm-up: first connection and JIT, not reported
  for (const limit of [big, SMALL_LIMIT]) {
    for (const agents of counts) {
      if (limit === SMALL_LIMIT && agents <= SMALL_LIMIT) continue;
      const { peak, requests, wallMs } = await measure(agents, limit);
      const expected = Math.min(agents, limit);
      rows.push({
        benchmark: `LLM in flight: ${agents} busy agents, maxConcurrency ${limit}`,
        measured: `peak ${peak} (${requests} calls of ${LATENCY_MS} ms in ${ms(wallMs)})`,
        goal: `peak = ${expected}`,
        met: peak === expected,
      });
    }
  }
  return rows;
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const rows = await llmConcurrencyBench(quick);
  console.log(`codegod LLM concurrency bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(rows));
}
