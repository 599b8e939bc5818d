// LLM transport: what reading every reply under its deadline and size limit costs. The same
// chat completion requests go through the `openai` client with the global fetch and with
// boundedFetch (the adapter's, which sends through node's http client over kept-alive
// connections rather than the global fetch), in alternating rounds, against the scripted
// server answering at once; prints the CPU time per request of each and their ratio, for a
// small reply, one of 4096 tokens (the default LLM_MAX_TOKENS) and one of 1 MB.
// Run: npx tsx --conditions=@codegod/source scripts/bench/llm-transport.ts [--quick]
import { boundedFetch } from '@codegod/llm';
import { startScriptedLlmServer } from '@codegod/llm/testing';
import OpenAI from 'openai';
import { type BenchRow, formatTable, isEntryPoint } from './bench-table.js';

// Rounds alternate which client goes first, so drift in the machine's load hits both alike.
const ROUNDS = 7;

/**
 * Sends `count` requests one after another; returns this process's CPU time per request in ms
 * (client and scripted server together, the same server work for both clients). CPU time, not
 * wall time: the machine is shared, and other processes' load moves wall time by tens of
 * percent between rounds.
 */
async function perRequest(client: OpenAI, count: number): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    await client.chat.completions.create({
      model: 'scripted-model',
      messages: [{ role: 'user', content: 'answer' }],
    });
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000 / count;
}

/** The median of `values`. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(replyChars: number, count: number) {
  const server = await startScriptedLlmServer({
    rules: [{ reply: { answer: 'x'.repeat(replyChars) } }],
  });
  const options = { baseURL: server.url, apiKey: 'bench', maxRetries: 0, timeout: 60_000 };
  const plain = new OpenAI(options);
  const bounded = new OpenAI({
    ...options,
    fetch: boundedFetch({ baseURL: server.url, maxReplyBytes: 64 * 1024 * 1024 }),
  });
  try {
    await perRequest(plain, Math.ceil(count / 5)); // warm-up: connections and JIT
    await perRequest(bounded, Math.ceil(count / 5));
    const plainMs: number[] = [];
    const boundedMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        plainMs.push(await perRequest(plain, count));
        boundedMs.push(await perRequest(bounded, count));
      } else {
        boundedMs.push(await perRequest(bounded, count));
        plainMs.push(await perRequest(plain, count));
      }
    }
    return { plain: median(plainMs), bounded: median(boundedMs) };
  } finally {
    await server.close();
  }
}

/**
 * Rows: per reply size, the two CPU times per request, their ratio and the difference. The goal
 * is on the difference, up to a 4096-token reply: at most 1 CPU ms added to a request that
 * takes the model hundreds of ms or more (the ratio of two small figures swings with the
 * machine's load). The 1 MB row, 60 times that reply, has no goal: its extra cost is decoding
 * and checking the body once more, a few ms per MB, against minutes of generation.
 */
export async function llmTransportBench(quick: boolean): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [label, chars, count, hasGoal] of [
    ['small reply (~300 B)', 16, quick ? 50 : 200, true],
    ['16 KB reply (4096 tokens)', 16_000, quick ? 50 : 200, true],
    ['1 MB reply', 1_000_000, quick ? 5 : 20, false],
  ] as const) {
    const { plain, bounded } = await measure(chars, count);
    const added = bounded - plain;
    rows.push({
      benchmark: `LLM transport, ${label}: boundedFetch vs global fetch per request`,
      measured: `${bounded.toFixed(2)} vs ${plain.toFixed(2)} CPU ms = ${(bounded / plain).toFixed(2)}x, ${added.toFixed(2)} ms added (median of ${ROUNDS} rounds of ${count})`,
      goal: hasGoal ? 'added <= 1 ms' : 'report',
      ...(hasGoal ? { met: added <= 1 } : {}),
    });
  }
  return rows;
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const rows = await llmTransportBench(quick);
  console.log(`codegod LLM transport bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(rows));
}
