// What a hop between processes costs when the other side has been idle, on this machine: a
// Redis PING round trip, and a child process echoing a byte over a pipe, after gaps of 0 to
// 200 ms with nothing to do. In a fleet every process but the one waiting on the LLM sits idle
// through each call, so the hops after a reply (Redis, the master, the next worker, a spare
// interpreter) start from idle. Figures only (no goal); medians, the gaps interleaved.
// Run: npx tsx --conditions=@codegod/source scripts/bench/idle-wake.ts [--quick]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedisServer } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { type BenchRow, formatTable, isEntryPoint } from './bench-table.js';

const GAPS_MS = [0, 5, 20, 100, 200];

/** A child that writes back every byte it reads, until its stdin ends. */
const ECHO = `process.stdin.on('data', (chunk) => process.stdout.write(chunk));`;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function idleWakeBench(quick: boolean): Promise<BenchRow[]> {
  const samples = quick ? 9 : 25;
  const redis = await startRedisServer();
  const client = new Redis(redis.url);
  const child = spawn(process.execPath, ['-e', ECHO], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    await client.ping();
    const echo = async () => {
      const reply = once(child.stdout!, 'data');
      child.stdin!.write('x');
      await reply;
    };
    await echo();
    const ping = new Map<number, number[]>(GAPS_MS.map((gap) => [gap, []]));
    const pipe = new Map<number, number[]>(GAPS_MS.map((gap) => [gap, []]));
    for (let i = 0; i < samples; i++) {
      for (const gap of GAPS_MS) {
        // Each hop comes `gap` ms after the last one to the same process.
        for (const [hop, times] of [
          [() => client.ping(), ping],
          [echo, pipe],
        ] as const) {
          await hop();
          if (gap > 0) await sleep(gap);
          const started = performance.now();
          await hop();
          times.get(gap)!.push(performance.now() - started);
        }
      }
    }
    const row = (name: string, times: Map<number, number[]>): BenchRow => ({
      benchmark: `idle wake: ${name}, after an idle gap of ${GAPS_MS.join(' / ')} ms`,
      measured: GAPS_MS.map((gap) => `${median(times.get(gap)!).toFixed(2)} ms`).join(' / '),
      goal: 'report',
    });
    return [row('Redis PING round trip', ping), row('child echoes a byte over a pipe', pipe)];
  } finally {
    child.stdin!.end();
    client.disconnect();
    await redis.stop();
  }
}

if (isEntryPoint(import.meta.url)) {
  const rows = await idleWakeBench(process.argv.includes('--quick'));
  console.log(formatTable(rows));
}
