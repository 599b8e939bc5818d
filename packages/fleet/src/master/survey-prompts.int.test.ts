import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolkitFor } from '@codegod/actions';
import { makeFlaskAppFixture } from '@codegod/actions/fixtures';
import { decompositionReply, planReply, replanReply } from '@codegod/agents/testing';
import { createLlmClient } from '@codegod/llm';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { WORKER_ROLES, type WorkerRole } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedFleet } from '../services/embedded-fleet.js';

// Issue 19's acceptance: the master's requests, as the scripted server recorded them, carry
// the workspace survey: before decomposition, and again, as the failed task left it, before
// the replan; no request ever carries a workspace .env value.

const ENV_VALUE = 'flask-survey-Qm7c2VbX9k';

describe('the master surveys the workspace before it plans (flask-not-found fixture)', () => {
  let server: ScriptedLlmServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let workspace: string;

  beforeAll(async () => {
    server = await startScriptedLlmServer();
    dir = await tempDir('codegod-survey-');
    ({ workspace } = await makeFlaskAppFixture(dir.path));
    await writeFile(join(workspace, '.env'), `FLASK_SECRET_KEY=${ENV_VALUE}\n`);
    await promisify(execFile)('git', ['init', '-q'], { cwd: workspace });
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  it('shows venv/, requirements.txt and the missing flask, then the workspace after the failure', async () => {
    server.setRules([
      {
        match: { phase: 'decompose' },
        reply: decompositionReply([
          {
            id: 'install-flask',
            description: 'install flask into the venv',
            role: 'backend',
            depends_on: [],
            acceptance: [{ type: 'command', argv: ['venv/bin/python', '-c', 'import flask'] }],
          },
        ]),
      },
      {
        // The task fails: it writes a file but never installs flask.
        match: { phase: 'plan' },
        reply: planReply([
          { action: 'write_file', args: { path: 'install.log', content: 'pip was not run' } },
        ]),
      },
      { match: { phase: 'replan' }, reply: replanReply('nothing more to try', []) },
    ]);
    const llm = createLlmClient({
      baseURL: server.url,
      model: 'scripted-model',
      timeoutMs: 10_000,
      env: {},
    });
    const toolkits = Object.fromEntries(
      WORKER_ROLES.map((role) => [role, toolkitFor(role)]),
    ) as Record<WorkerRole, ReturnType<typeof toolkitFor>>;
    const fleet = await startEmbeddedFleet({
      llm,
      toolkits,
      agentLimits: { maxIterations: 1, maxWipes: 0 },
      bus: { attempts: 1, backoffMs: 0 },
      limits: { maxReplanRounds: 1 },
    });
    try {
      const report = await fleet.orchestrator.run({ problem: 'Flask not found', workspace });
      expect(report.state).toBe('failed');

      const decomposeRequest = server.requests.find((r) => r.phase === 'decompose')!;
      const replanRequest = server.requests.find((r) => r.phase === 'replan')!;
      const surveyOf = (request: typeof decomposeRequest) => request.messages.at(-1)!.content;
      const before = surveyOf(decomposeRequest);
      expect(before).toMatch(/Workspace survey:/);
      expect(before).toMatch(/^ {2}venv\/$/m);
      expect(before).toMatch(/- requirements\.txt \[requirements\]/);
      expect(before).toMatch(/flask \(requirements\.txt\) is not installed in venv\//);
      expect(before).toMatch(
        /backend observer: flask is listed in requirements\.txt but not installed/,
      );
      expect(before).toMatch(/git status:\n {4}## /);
      expect(before).not.toMatch(/install\.log/);

      // The replan sees the workspace as the failed task left it.
      const after = surveyOf(replanRequest);
      expect(after).toMatch(/Workspace survey:/);
      expect(after).toMatch(/^ {2}install\.log$/m);
      expect(after).toMatch(/\?\? install\.log/);

      // The survey sits after the stable prefix: the system message is the same in both.
      expect(decomposeRequest.messages[0]!.content).toBe(replanRequest.messages[0]!.content);
      expect(decomposeRequest.messages[0]!.content).not.toMatch(/install\.log|Workspace survey:\n/);

      for (const request of server.requests) {
        expect(JSON.stringify(request.body)).not.toContain(ENV_VALUE);
      }
      expect(report.surveys.map((s) => s.round)).toEqual([0, 1]);
      expect(report.surveys[0]!.survey.venvs).toEqual(['venv/']);
      expect(report.surveys[1]!.survey.tree).toContain('install.log');
      expect(JSON.stringify(report)).not.toContain(ENV_VALUE);
    } finally {
      await fleet.close();
    }
  }, 120_000);
});
