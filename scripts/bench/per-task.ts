// Embedded per-task time: a fan-out of 300 devops tasks through startEmbeddedFleet with the
// scripted LLM (one read_file per task, the real devops observe and validate), median of rounds,
// in wall time and in this process's CPU time.
// Run: npx tsx --conditions=@codegod/source scripts/bench/per-task.ts
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCommandRunner } from '@codegod/actions';
import { defaultToolkits, startEmbeddedFleet } from '@codegod/fleet';
import { createLlmClient } from '@codegod/llm';
import { startScriptedLlmServer } from '@codegod/llm/testing';
import { tempDir } from '@codegod/testkit';
import { PLAN_REPLY } from './peers.js';

const TASKS = 300;
const server = await startScriptedLlmServer({ rules: [{ reply: PLAN_REPLY }] });
const fleet = await startEmbeddedFleet({
  llm: createLlmClient({ baseURL: server.url, model: 'scripted-model' }),
  toolkits: defaultToolkits({ runner: createCommandRunner({ sandbox: 'none' }) }),
  limits: { maxTasks: 20_000, maxTokens: 1_000_000_000 },
});
const dir = await tempDir('codegod-bench-per-task-');
await writeFile(join(dir.path, 'app.py'), 'def health():\n    return "ok"\n');
await writeFile(join(dir.path, 'Dockerfile'), 'FROM python:3.12-slim\nCOPY app.py /app/\n');
const tasks = Array.from({ length: TASKS }, (_, i) => ({
  id: `f${i}`,
  description: `Fan-out task ${i}`,
  role: 'devops' as const,
  depends_on: i === 0 ? [] : ['f0'],
}));
const times: number[] = [];
const cpuTimes: number[] = [];
for (let round = 0; round < 5; round++) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await fleet.orchestrator.run({ problem: 'per-task bench', workspace: dir.path, plan: { tasks } });
  const cpu = process.cpuUsage(cpuStart);
  times.push((performance.now() - start) / TASKS);
  cpuTimes.push((cpu.user + cpu.system) / 1000 / TASKS);
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[2]!.toFixed(3)} ms [${sorted.map((t) => t.toFixed(2)).join(', ')}]`;
};
// CPU is this process's (the scripted server's included), less swayed by a busy machine than wall.
console.log(`embedded per task (median of 5 x ${TASKS}): ${median(times)}`);
console.log(`embedded CPU per task (median of 5 x ${TASKS}): ${median(cpuTimes)}`);
await fleet.close?.();
await server.close?.();
await dir.remove();
process.exit(0);
