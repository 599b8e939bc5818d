import { randomUUID } from 'node:crypto';
import { createInProcessTaskBus, type InProcessTaskBus, RunExistsError } from '@codegod/bus';
import { InMemoryTokenMeter } from '@codegod/llm';
import { ScriptedLlmClient } from '@codegod/llm/testing';
import { createInMemoryMemoryStore } from '@codegod/memory';
import { type RunReport, type WorkspaceSurvey, workspaceSurveySchema } from '@codegod/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Orchestrator } from './orchestrator.js';
import type { ReportStore } from './report-store.js';
import type { RunWorkspaces } from './run-workspaces.js';
import type { WorkspaceRedactor } from './workspace-redactor.js';

// The master decides through its ports alone: no agent, no action, no Redis. The fleet wires
// the real adapters (packages/fleet/src/master has the tests with real agents and actions).

const SECRET = 'hunter2-secret-value';

/** A redactor that knows one secret, as a workspace's `.env` would tell it. */
function redactorOf(workspace: string, seen: string[]): WorkspaceRedactor {
  seen.push(workspace);
  const redact = (text: string) => text.split(SECRET).join('[redacted]');
  return {
    redact,
    redactValue: <T>(value: T): T => JSON.parse(redact(JSON.stringify(value))) as T,
    refresh: async () => {},
  };
}

const survey = (finding: string): WorkspaceSurvey =>
  workspaceSurveySchema.parse({
    tree: ['app.py'],
    tree_omitted: 0,
    entries_seen: 1,
    complete: true,
    skipped: [],
    venvs: [],
    manifests: [],
    readme: null,
    git_status: null,
    languages: ['Python'],
    frameworks: [],
    package_managers: [],
    test_commands: [],
    findings: [finding],
  });

/** A worker's Result of a task that validated, with `output`. */
const validResult = (output: string) => ({
  success: true,
  output,
  reasoning: null,
  actions_taken: [],
  validation: { valid: true, output: 'ok', checks: [] },
});

const decomposition = {
  tasks: [
    {
      id: 'fix-it',
      description: 'fix the app',
      role: 'backend',
      depends_on: [],
      acceptance: [{ type: 'file', path: 'app.py', content_regex: null }],
    },
  ],
  run_checks: [],
};

describe('Orchestrator over its ports', () => {
  let bus: InProcessTaskBus | undefined;
  afterEach(async () => {
    await bus?.close();
  });

  it('plans from the surveyor, counts tokens in the meter, and saves the report redacted', async () => {
    bus = createInProcessTaskBus({ attempts: 1, backoffMs: 0 });
    const tokens = new InMemoryTokenMeter();
    const llm = new ScriptedLlmClient({
      tokenMeter: tokens,
      rules: [{ match: { phase: 'decompose' }, reply: decomposition }],
    });
    const reports = new Map<string, RunReport>();
    const reportStore: ReportStore = {
      save: async (report) => void reports.set(report.run_id, report),
      load: async (runId) => reports.get(runId),
    };
    const places = new Map<string, string>();
    const workspaces: RunWorkspaces = {
      set: async (runId, workspace) => void places.set(runId, workspace),
      get: async (runId) => places.get(runId),
    };
    const redactedFor: string[] = [];
    const surveyed: string[] = [];
    const worker = await bus.work('backend', async () =>
      validResult(`fixed; the key was ${SECRET}`),
    );
    const orchestrator = new Orchestrator({
      bus,
      llm,
      memory: createInMemoryMemoryStore(),
      reports: reportStore,
      workspaces,
      checks: { runChecks: async () => [] },
      redactor: (workspace) => redactorOf(workspace, redactedFor),
      survey: async (workspace) => {
        surveyed.push(workspace);
        return survey(`config.py holds ${SECRET}`);
      },
      tokens,
      roleCapabilities: '- backend: fixes Python apps',
    });
    const workspace = `/work/${randomUUID()}`;

    const report = await orchestrator.run({ problem: 'the app is broken', workspace });
    await worker.close();

    expect(report.state).toBe('succeeded');
    expect(surveyed).toEqual([workspace]);
    expect(redactedFor).toContain(workspace);
    // The survey reached the decomposition prompt, with the secret hidden.
    const prompt = JSON.stringify(llm.requests.find((r) => r.phase === 'decompose')?.messages);
    expect(prompt).toContain('config.py holds [redacted]');
    expect(prompt).not.toContain(SECRET);
    expect(prompt).toContain('- backend: fixes Python apps');
    // The report went to the store, redacted, with the tokens the meter counted.
    expect(reports.get(report.run_id)).toEqual(report);
    expect(report.tasks[0]?.output).toBe('fixed; the key was [redacted]');
    expect(report.surveys[0]?.survey.findings).toEqual(['config.py holds [redacted]']);
    const spent = await tokens.usage(report.run_id);
    expect(spent.total).toBeGreaterThan(0);
    expect(report.tokens).toEqual(spent);
    expect(await workspaces.get(report.run_id)).toBe(workspace);
  });

  it('refuses a run id in use before its workspace, limits or a decomposition is touched', async () => {
    bus = createInProcessTaskBus({ attempts: 1, backoffMs: 0 });
    const llm = new ScriptedLlmClient({
      rules: [{ match: { phase: 'decompose' }, reply: decomposition }],
    });
    const places = new Map<string, string>();
    const surveyed: string[] = [];
    const worker = await bus.work('backend', async () => validResult('fixed'));
    const orchestrator = new Orchestrator({
      bus,
      llm,
      memory: createInMemoryMemoryStore(),
      reports: { save: async () => {}, load: async () => undefined },
      workspaces: {
        set: async (runId, workspace) => void places.set(runId, workspace),
        get: async (runId) => places.get(runId),
      },
      checks: { runChecks: async () => [] },
      redactor: (workspace) => redactorOf(workspace, []),
      survey: async (workspace) => {
        surveyed.push(workspace);
        return survey('nothing');
      },
      roleCapabilities: '- backend: fixes Python apps',
    });
    const first = await orchestrator.run({
      runId: 'run-taken',
      problem: 'the app is broken',
      workspace: '/work/first',
    });
    expect(first.state).toBe('succeeded');
    const calls = llm.requests.length;

    const again = orchestrator.run({
      runId: 'run-taken',
      problem: 'something else',
      workspace: '/work/second',
      limits: { maxTasks: 1 },
    });
    await expect(again).rejects.toBeInstanceOf(RunExistsError);
    await worker.close();
    expect(places.get('run-taken')).toBe('/work/first');
    expect(surveyed).toEqual(['/work/first']);
    expect(llm.requests).toHaveLength(calls);
  });
});
