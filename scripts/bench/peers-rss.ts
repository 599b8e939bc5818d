// One long-lived embedded process (peers.ts starts it): runs of 100 devops tasks (a fan-out)
// one after another on one startEmbeddedFleet, and the resident set size after a full GC once
// each count given on the command line has been reached. Prints one JSON line:
// [{ tasks, rssMb, heapMb }, …]. Env: VLLM_API_URL (the scripted server), PEERS_WORKSPACE (a
// workspace the devops role validates).
// Run (by peers.ts): node --expose-gc --import tsx --conditions=@codegod/source peers-rss.ts 1000 10000
import { createCommandRunner } from '@codegod/actions';
import { defaultToolkits, startEmbeddedFleet } from '@codegod/fleet';
import { createLlmClient } from '@codegod/llm';

const RUN_SIZE = 100;
// The bus keeps the last CODEGOD_KEEP_FINISHED_RUNS finished runs and the report store the last
// CODEGOD_KEEP_REPORTS reports (32 each by default): bounded, but 32 runs of 100 tasks fill only
// after 3,200 tasks, past the first count. Keeping 8 here fills them by the first count, so the
// ratio measures what grows without bound, not caches still filling. Set either to measure others.
process.env.CODEGOD_KEEP_FINISHED_RUNS ??= '8';
process.env.CODEGOD_KEEP_REPORTS ??= '8';
const counts = process.argv.slice(2).map(Number);
const workspace = process.env.PEERS_WORKSPACE;
const gc = (globalThis as { gc?: () => void }).gc;
if (!workspace || !gc || counts.length === 0) {
  throw new Error('usage: PEERS_WORKSPACE=dir node --expose-gc … peers-rss.ts N [N …]');
}

let runner: ReturnType<typeof createCommandRunner>;
try {
  runner = createCommandRunner();
} catch {
  runner = createCommandRunner({ sandbox: 'none' });
}
const fleet = await startEmbeddedFleet({
  llm: createLlmClient({ model: 'scripted-model' }),
  toolkits: defaultToolkits({ runner }),
});
const tasks = Array.from({ length: RUN_SIZE }, (_, i) => ({
  id: `r${i}`,
  description: `Memory task ${i}`,
  role: 'devops' as const,
  depends_on: i === 0 ? [] : ['r0'],
}));
const measured: { tasks: number; rssMb: number; heapMb: number }[] = [];
let done = 0;
for (const target of counts) {
  while (done < target) {
    const report = await fleet.orchestrator.run({ problem: 'rss', workspace, plan: { tasks } });
    if (report.state !== 'succeeded') throw new Error(`run ${report.state}: ${report.reason}`);
    done += RUN_SIZE;
  }
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  const usage = process.memoryUsage();
  measured.push({ tasks: done, rssMb: usage.rss / 2 ** 20, heapMb: usage.heapUsed / 2 ** 20 });
}
await fleet.close();
console.log(JSON.stringify(measured));
process.exit(0);
