// The embedded engine (llama.cpp through node-llama-cpp, CPU) on the tiny test model that the
// test kit writes: load time, time to first token and tokens per second on codegod's real
// decomposition prompt, and the repair rate of schema-guided replies (0 expected: the grammar
// makes every reply parse, and the bounds it cannot express are applied after parsing).
// Run: npx tsx --conditions=@codegod/source scripts/bench/engine.ts [--quick]
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describeRoleCapabilities, ROLE_DEFINITIONS } from '@codegod/actions';
import {
  EmbeddedLlmClient,
  type LocalEngineRequest,
  NodeLlamaCppEngine,
  toStrictJsonSchema,
} from '@codegod/llm';
import { decomposeMessages, llmTaskGraphSchema } from '@codegod/orchestrator';
import { reasoningSchema } from '@codegod/protocol';
import { tempDir, writeTinyLlamaGguf } from '@codegod/testkit';
import { type BenchRow, formatTable, isEntryPoint, ms } from './bench-table.js';

const THREADS = 1;

/** Measures the engine on the tiny model; `quick` makes fewer calls. */
export async function engineBench(quick = false): Promise<BenchRow[]> {
  const dir = await tempDir('codegod-bench-engine-');
  const modelPath = await writeTinyLlamaGguf(join(dir.path, 'tiny.gguf'));
  const engine = new NodeLlamaCppEngine({
    modelPath,
    contextSize: 8192,
    sequences: 2,
    threads: THREADS,
  });
  try {
    const loadStart = performance.now();
    await engine.load();
    const loadMs = performance.now() - loadStart;

    // Time to first token and generation speed, on the master's decomposition prompt.
    const messages = decomposeMessages('Build a Flask + React app with a /health endpoint', {
      roleCapabilities: describeRoleCapabilities(ROLE_DEFINITIONS),
    });
    const request: Omit<LocalEngineRequest, 'signal' | 'onFirstToken'> = {
      messages,
      jsonSchema: toStrictJsonSchema(llmTaskGraphSchema),
      maxTokens: 2048,
      temperature: 0.2,
      schemaName: 'task_graph',
    };
    const samples: { ttft: number; total: number; prompt: number; completion: number }[] = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const started = performance.now();
      let firstToken = started;
      const reply = await engine.complete({
        ...request,
        signal: new AbortController().signal,
        onFirstToken: () => {
          firstToken = performance.now();
        },
      });
      samples.push({
        ttft: firstToken - started,
        total: performance.now() - started,
        prompt: reply.usage.promptTokens,
        completion: reply.usage.completionTokens,
      });
    }
    const median = (values: number[]) =>
      values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const ttft = median(samples.map((s) => s.ttft));
    const promptRate = median(samples.map((s) => s.prompt / (s.ttft / 1000)));
    const genRate = median(samples.map((s) => (s.completion - 1) / ((s.total - s.ttft) / 1000)));

    // Repair rate: replies that needed a re-ask, over calls, for two of codegod's schemas.
    const client = new EmbeddedLlmClient(engine, {
      sequences: 2,
      timeoutMs: 300_000,
      maxRepairs: 2,
      maxTokens: 2048,
      temperature: 0.2,
    });
    const calls = quick ? 4 : 10;
    let repairs = 0;
    for (let i = 0; i < calls; i++) {
      const schema = i % 2 === 0 ? llmTaskGraphSchema : reasoningSchema;
      const name = i % 2 === 0 ? 'task_graph' : 'reasoning';
      const result = await client.generate(schema, messages, { schemaName: name });
      repairs += result.attempts - 1;
    }

    // Generations at once: 4 reasoning calls through a client that lets 1 or 2 run together.
    const wallFor = async (sequences: number) => {
      const limited = new EmbeddedLlmClient(engine, {
        sequences,
        timeoutMs: 300_000,
        maxRepairs: 2,
        maxTokens: 2048,
        temperature: 0.2,
      });
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 4 }, () =>
          limited.generate(reasoningSchema, messages, { schemaName: 'reasoning' }),
        ),
      );
      return performance.now() - started;
    };
    const serial = await wallFor(1);
    const paired = await wallFor(2);

    const prompt = samples[0]!.prompt;
    return [
      { benchmark: 'engine: load the tiny model (0.47 MB)', measured: ms(loadMs), goal: 'info' },
      {
        benchmark: `engine: time to first token (${prompt}-token prompt, ${THREADS} thread)`,
        measured: `${ms(ttft)} (prompt ${promptRate.toFixed(0)} tok/s)`,
        goal: 'info',
      },
      {
        benchmark: 'engine: generation under the JSON-schema grammar',
        measured: `${genRate.toFixed(0)} tok/s`,
        goal: 'info',
      },
      {
        benchmark: 'engine: 4 reasoning calls, LLM_ENGINE_SEQUENCES 2 vs 1',
        measured: `${ms(paired)} vs ${ms(serial)} = ${(paired / serial).toFixed(2)}`,
        goal: 'info',
      },
      {
        benchmark: `engine: repair rate (${calls} calls, task_graph + reasoning)`,
        measured: `${repairs}/${calls}`,
        goal: '0 repairs',
        met: repairs === 0,
      },
    ];
  } finally {
    await engine.close();
    await dir.remove();
  }
}

if (isEntryPoint(import.meta.url)) {
  console.log(formatTable(await engineBench(process.argv.includes('--quick'))));
}
