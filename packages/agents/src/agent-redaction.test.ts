import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSecretsFixture, type SecretsFixture } from '@codegod/actions/fixtures';
import { ScriptedLlmClient } from '@codegod/llm/testing';
import { createInMemoryMemoryStore } from '@codegod/memory';
import type { RunEvent, Task } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import { createFileToolkit, planReply } from './testing/index.js';

// The agent is the gate: the file toolkit below redacts nothing itself (its read_file returns
// the raw file, its validator quotes .env), so every secret that stays out of the events, the
// memory, the Result and the prompts was taken out by the agent's redactor.

const task: Task = {
  id: 'read-env',
  description: 'look at the config',
  role: 'backend',
  depends_on: [],
};

describe('agent redaction of workspace secrets', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fixture: SecretsFixture;
  beforeEach(async () => {
    dir = await tempDir('codegod-agent-secrets-');
    fixture = await makeSecretsFixture(dir.path);
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('keeps .env values and key material out of events, memory, the Result and prompts', async () => {
    // Written by "something in the task" after the first prompt: the redactor must notice it.
    const lateSecret = 'late-token-7f3e9a1c';
    const secrets = { ...fixture.secrets, LATE: lateSecret };
    const llm = new ScriptedLlmClient({
      rules: [
        {
          match: { phase: 'plan' },
          reply: planReply([
            { action: 'read_file', args: { path: '.env' } },
            { action: 'read_file', args: { path: '.env.local' } },
            { action: 'read_file', args: { path: 'deploy/id_ed25519' } },
            { action: 'read_file', args: { path: 'late/.env.production' } },
          ]),
        },
      ],
    });
    const memory = createInMemoryMemoryStore();
    const events: RunEvent[] = [];
    const agent = createAgent({
      agentId: 'backend-1',
      // The validator quotes the start of .env: an observer/validator output with a secret.
      toolkit: createFileToolkit({ path: '.env', content: 'never matches' }),
      llm,
      memory,
      recordStep: async (event) => {
        events.push(event);
        if (event.type === 'task-step' && event.phase === 'reason') {
          await mkdir(join(fixture.workspace, 'late'), { recursive: true });
          await writeFile(
            join(fixture.workspace, 'late', '.env.production'),
            `API_TOKEN=${lateSecret}\n`,
          );
        }
      },
      limits: { maxIterations: 2, maxWipes: 0 },
    });
    const result = await agent.run(task, { runId: 'run-secrets', workspace: fixture.workspace });

    const places = {
      events: JSON.stringify(events),
      memory: JSON.stringify(await memory.load('backend-1')),
      result: JSON.stringify(result),
      prompts: JSON.stringify(llm.requests),
    };
    const leaks = Object.entries(places).flatMap(([place, text]) =>
      Object.entries(secrets)
        .filter(([, value]) => text.includes(value))
        .map(([name]) => `${name} in ${place}`),
    );
    expect(leaks).toEqual([]);
    // Not vacuous: the files were read, shown redacted, plain config kept, and prompted with.
    const act = events.find((e) => e.type === 'task-step' && e.phase === 'act');
    const outputs = act?.type === 'task-step' ? (act.data as { output: string }[]) : [];
    expect(outputs.map((o) => o.output)).toEqual([
      expect.stringMatching(/STRIPE_KEY=\[redacted\][\s\S]*PORT=3000\nNODE_ENV=development/),
      'LOCAL_TOKEN=[redacted]\n',
      '[redacted]\n',
      'API_TOKEN=[redacted]\n',
    ]);
    expect(result.validation.output).toContain('export STRIPE_KEY=[redacted]');
    expect(places.prompts).toContain('export STRIPE_KEY=[redacted]');
    expect(llm.requests.filter((r) => r.phase === 'plan')).toHaveLength(2);
  });

  it('keeps event types and phases even when a .env value equals one', async () => {
    await writeFile(
      join(fixture.workspace, '.env'),
      'AUTH_PHASE=validate\nSESSION_KIND=task-step\n',
    );
    const events: RunEvent[] = [];
    const agent = createAgent({
      agentId: 'backend-2',
      toolkit: createFileToolkit({ path: 'out.txt', content: 'validate' }),
      llm: new ScriptedLlmClient({
        rules: [
          {
            match: { phase: 'plan' },
            reply: planReply([
              { action: 'write_file', args: { path: 'out.txt', content: 'validate' } },
            ]),
          },
        ],
      }),
      memory: createInMemoryMemoryStore(),
      recordStep: (event) => {
        events.push(event);
      },
    });
    const result = await agent.run(task, { runId: 'run-names', workspace: fixture.workspace });
    expect(result.success).toBe(true);
    expect(events.map((e) => (e.type === 'task-step' ? e.phase : e.type))).toEqual([
      'observe',
      'reason',
      'plan',
      'act',
      'validate',
    ]);
    expect(result.actions_taken[0]?.output).toBe('wrote 8 characters to out.txt');
    expect(JSON.stringify(events)).not.toContain('"content":"validate"');
  });
  it('hides a secret an action wrote to a new .env file from the very next recorded step', async () => {
    const fresh = 'fresh-token-5b8d2e7a';
    const events: RunEvent[] = [];
    const agent = createAgent({
      agentId: 'backend-3',
      // The validator quotes the new file: the step right after the write shows its secret.
      toolkit: createFileToolkit({ path: 'config/.env.staging', content: 'never matches' }),
      llm: new ScriptedLlmClient({
        rules: [
          {
            match: { phase: 'plan' },
            reply: planReply([
              {
                action: 'write_file',
                args: { path: 'config/.env.staging', content: `DEPLOY_TOKEN=${fresh}\n` },
              },
            ]),
          },
        ],
      }),
      memory: createInMemoryMemoryStore(),
      recordStep: (event) => {
        events.push(event);
      },
      limits: { maxIterations: 1, maxWipes: 0 },
    });
    await agent.run(task, { runId: 'run-fresh', workspace: fixture.workspace });

    const phases = events.map((e) => (e.type === 'task-step' ? e.phase : e.type));
    const act = phases.indexOf('act');
    const validate = events[act + 1];
    expect(validate?.type === 'task-step' && validate.phase).toBe('validate');
    // Not vacuous: the validator quoted the file, with its value taken out.
    expect(JSON.stringify(validate)).toContain('DEPLOY_TOKEN=[redacted]');
    // The plan quoted the value before it was on disk; from the write on, it is known.
    expect(JSON.stringify(events.slice(act))).not.toContain(fresh);
  });
});
