import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CommandRunner, createCommandRunner, toolkitFor } from '@codegod/actions';
import { createLlmClient } from '@codegod/llm';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { createInMemoryMemoryStore } from '@codegod/memory';
import type { Task } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import { planReply, type ScriptedStep } from './testing/scripted-replies.js';

// Issue 15's spare interpreters through the agent: the frontend toolkit starts them while the
// LLM call runs (real bubblewrap), Validate uses those that match, and none outlives the
// iteration: neither an unused one, nor one of a task stopped mid-call.

/** The bubblewrap runner, recording the commands it spawns and the pids of its spares. */
function recordingRunner() {
  const inner = createCommandRunner({ sandbox: 'bubblewrap' });
  const runner: CommandRunner & { spawned: string[]; sparePids: number[] } = {
    kind: inner.kind,
    spawned: [],
    sparePids: [],
    start: (spec) => inner.start(spec),
    run(spec) {
      runner.spawned.push([spec.file, ...spec.args].join(' '));
      return inner.run(spec);
    },
    startPaused(spec, maxWaitMs) {
      const paused = inner.startPaused!(spec, maxWaitMs);
      if (paused.pid !== undefined) runner.sparePids.push(paused.pid);
      return paused;
    },
  };
  return runner;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let server: ScriptedLlmServer;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  server = await startScriptedLlmServer();
  dir = await tempDir('codegod-agent-spares-');
});
afterAll(async () => {
  await server.close();
  await dir.remove();
});

/** A Node package whose entry point loads, in its own workspace. */
async function nodeWorkspace(name: string): Promise<string> {
  const workspace = join(dir.path, name);
  await mkdir(workspace, { recursive: true });
  await writeFile(join(workspace, 'package.json'), '{ "name": "app", "main": "index.js" }\n');
  await writeFile(join(workspace, 'index.js'), "module.exports = 'index';\n");
  await writeFile(join(workspace, 'other.js'), "module.exports = 'other';\n");
  return workspace;
}

function agentWith(runner: CommandRunner, latencyMs: number, steps: ScriptedStep[]) {
  server.setRules([{ match: { phase: 'plan' }, reply: planReply(steps), latencyMs }]);
  return createAgent({
    agentId: `frontend-spares-${latencyMs}`,
    toolkit: toolkitFor('frontend', { runner }),
    llm: createLlmClient({
      baseURL: server.url,
      model: 'scripted-model',
      timeoutMs: 20_000,
      env: {},
    }),
    memory: createInMemoryMemoryStore(),
    limits: { maxIterations: 1, maxWipes: 0 },
  });
}

const task = (id: string): Task => ({
  id,
  description: 'check the entry point',
  role: 'frontend',
  depends_on: [],
  acceptance: [
    { type: 'command', argv: ['node', '-e', "console.log(require('./'))"], stdout_regex: 'index' },
  ],
});

const isNodeEval = (line: string) => line.startsWith('node -e');

describe('spare interpreters in the agent loop (bubblewrap)', () => {
  it('Validate runs the health check and the task check in the spares started during the LLM call', async () => {
    const workspace = await nodeWorkspace('used');
    const runner = recordingRunner();
    const agent = agentWith(runner, 300, [{ action: 'read_file', args: { path: 'package.json' } }]);
    const result = await agent.run(task('used'), { runId: 'spares-used', workspace });
    expect(result.success).toBe(true);
    expect(result.validation.checks.map((check) => check.passed)).toEqual([true]);
    expect(runner.sparePids).toHaveLength(2);
    expect(runner.spawned.filter(isNodeEval)).toEqual([]);
    expect(runner.sparePids.filter(alive)).toEqual([]);
  }, 60_000);

  it('kills a spare the act made useless by the end of the attempt, and Validate spawns', async () => {
    const workspace = await nodeWorkspace('unused');
    const runner = recordingRunner();
    // The act points main elsewhere: the health check's spare (for index.js) no longer matches.
    const agent = agentWith(runner, 300, [
      {
        action: 'write_file',
        args: { path: 'package.json', content: '{ "name": "app", "main": "other.js" }\n' },
      },
    ]);
    const result = await agent.run(task('unused'), { runId: 'spares-unused', workspace });
    expect(result.success).toBe(true);
    expect(result.validation.output).toContain('loaded other.js');
    expect(runner.spawned.filter(isNodeEval)).toHaveLength(1);
    expect(runner.sparePids).toHaveLength(2);
    expect(runner.sparePids.filter(alive)).toEqual([]);
  }, 60_000);

  it('kills the spares of a task cancelled during its LLM call', async () => {
    const workspace = await nodeWorkspace('cancelled');
    const runner = recordingRunner();
    const agent = agentWith(runner, 15_000, [
      { action: 'read_file', args: { path: 'package.json' } },
    ]);
    const cancel = new AbortController();
    const running = agent.run(task('cancelled'), {
      runId: 'spares-cancelled',
      workspace,
      signal: cancel.signal,
    });
    const deadline = Date.now() + 20_000;
    while (runner.sparePids.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(runner.sparePids.filter(alive)).toHaveLength(2);
    cancel.abort(new Error('cancelled by the test'));
    await expect(running).rejects.toThrow();
    expect(runner.sparePids.filter(alive)).toEqual([]);
    expect(runner.spawned.filter(isNodeEval)).toEqual([]);
  }, 60_000);
});
