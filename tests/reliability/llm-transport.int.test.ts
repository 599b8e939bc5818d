import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decompositionReply } from '@codegod/agents/testing';
import {
  type ScriptedFault,
  type ScriptedLlmServer,
  type ScriptedRule,
  startScriptedLlmServer,
} from '@codegod/llm/testing';
import { type RunReport, runReportSchema, type TaskGraph } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENTRIES } from './local-fleet.js';
import { recordFault } from './reliability-summary.js';
import { REASONING } from './scripted-replies.js';

// A hostile or broken LLM server against the real `codegod build` process (embedded, so no
// Redis): every fault ends on its own, within its bound, with one line on stderr and the exit
// code the README documents. The 90 s kill only guards against a hang (then `code` is null).

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ENV = {
  LLM_MODEL: 'scripted-model',
  LLM_API_KEY: 'test',
  LLM_TIMEOUT_MS: '1500',
  LLM_HEALTH_TIMEOUT_MS: '1500',
  LLM_MAX_REPAIRS: '1',
  LLM_MAX_REPLY_BYTES: '1048576',
  LOG_LEVEL: 'warn',
  // One call per fault: these cases are about how a single reply is handled, not retries.
  CODEGOD_MASTER_LLM_ATTEMPTS: '1',
};

function codegodBuild(args: string[], env: Record<string, string>): Promise<Exit> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [ENTRIES.cli, 'build', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('exit', (code) => {
      clearTimeout(guard);
      done({ code, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.trim().split('\n').filter(Boolean);
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

const ONE_TASK: TaskGraph = {
  tasks: [{ id: 'x', description: 'do one thing', role: 'backend', depends_on: [] }],
};

describe('LLM transport faults through `codegod build`', () => {
  let llm: ScriptedLlmServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let planFile: string;
  beforeAll(async () => {
    llm = await startScriptedLlmServer();
    dir = await tempDir('codegod-transport-');
    planFile = join(dir.path, 'one-task.json');
    await writeFile(planFile, JSON.stringify(ONE_TASK));
  });
  afterAll(async () => {
    await llm?.close();
    await dir?.remove();
  });
  beforeEach(() => llm.resetStats());

  async function workspace(): Promise<string> {
    const path = join(dir.path, `ws-${randomUUID().slice(0, 8)}`);
    await mkdir(path);
    return path;
  }

  /** Builds with the master's decomposition answered by `rule`. */
  async function decomposeWith(rule: Partial<ScriptedRule>): Promise<Exit> {
    llm.setRules([{ match: { role: 'master', phase: 'decompose' }, ...rule }]);
    return codegodBuild(['a problem', '-w', await workspace()], { VLLM_API_URL: llm.url });
  }

  /** The run ended on its own with exit `code` and exactly one clean line on stderr. */
  function expectOneLine(exit: Exit, code: number, pattern: RegExp) {
    expect(exit.code, exit.stderr).toBe(code);
    // A run that started (the LLM answered its health check) also says where its report is.
    const shown = lines(exit.stderr).filter((line) => !line.startsWith('  report: '));
    expect(shown, exit.stderr).toHaveLength(1);
    expect(exit.stderr).toMatch(pattern);
    expect(exit.stderr.trimEnd()).not.toMatch(CONTROL);
    expect(exit.stderr).not.toMatch(/unexpected error|\n\s+at /);
  }

  it('a body trickled one byte a second ends at LLM_TIMEOUT_MS: exit 2', {
    timeout: 120_000,
  }, async () => {
    const exit = await decomposeWith({ fault: 'trickle', trickleMs: 1000 });
    recordFault({
      fault: 'LLM reply body trickled 1 byte/s after the headers (decompose)',
      behaviour: `exit ${exit.code}, nothing started`,
      bound: 'LLM_TIMEOUT_MS=1500 covers the body',
      outcome: lines(exit.stderr).join(' / ').slice(0, 140),
    });
    expectOneLine(
      exit,
      2,
      /^codegod: The LLM server at .* did not answer within 1500 ms\..*LLM_TIMEOUT_MS/,
    );
  });

  it('a trickled /v1/models ends at LLM_HEALTH_TIMEOUT_MS: exit 2', {
    timeout: 120_000,
  }, async () => {
    const slow = await startScriptedLlmServer({ modelsFault: 'trickle' });
    try {
      const exit = await codegodBuild(['a problem', '-w', await workspace()], {
        VLLM_API_URL: slow.url,
      });
      recordFault({
        fault: 'LLM health check (/v1/models) body trickled 1 byte/s',
        behaviour: `exit ${exit.code}, nothing started`,
        bound: 'LLM_HEALTH_TIMEOUT_MS=1500 covers the body',
        outcome: lines(exit.stderr).join(' / ').slice(0, 140),
      });
      expectOneLine(exit, 2, /did not answer within 1500 ms\..*LLM_HEALTH_TIMEOUT_MS/);
    } finally {
      await slow.close();
    }
  });

  it.each<[ScriptedFault, RegExp]>([
    [
      'html',
      /answered HTTP 200: .*\/chat\/completions sent content type text\/html instead of JSON, starting "<!DOCTYPE html>/,
    ],
    ['text-plain', /answered HTTP 200: .*sent content type text\/plain instead of JSON/],
    ['not-json', /answered HTTP 200: .*sent a body that is not JSON/],
    [
      'broken-chunking',
      /answered HTTP 200: the connection broke while .*\/chat\/completions was sending its reply/,
    ],
  ])(
    '%s reply: one-line LlmServerError, exit 2, no stack trace',
    {
      timeout: 120_000,
    },
    async (fault, pattern) => {
      const exit = await decomposeWith({ fault });
      recordFault({
        fault: `LLM answers the decomposition with ${fault}`,
        behaviour: `exit ${exit.code}, nothing started`,
        bound: 'reply checked before the SDK parses it',
        outcome: lines(exit.stderr).join(' / ').slice(0, 140),
      });
      expectOneLine(exit, 2, pattern);
      expect(llm.requests).toHaveLength(1);
    },
  );

  it('a 200 MB reply fails at LLM_MAX_REPLY_BYTES and is never echoed: exit 2', {
    timeout: 120_000,
  }, async () => {
    const exit = await decomposeWith({ fault: 'huge-reply', replyBytes: 200 * 1024 * 1024 });
    const largest = Math.max(...llm.requests.map((r) => JSON.stringify(r.body).length));
    recordFault({
      fault: 'LLM answers the decomposition with a 200 MB body',
      behaviour: `exit ${exit.code}; ${llm.requests.length} request(s), largest ${largest} bytes`,
      bound: 'LLM_MAX_REPLY_BYTES=1048576',
      outcome: lines(exit.stderr).join(' / ').slice(0, 140),
    });
    expectOneLine(exit, 2, /reply from .* was larger than 1048576 bytes.*LLM_MAX_REPLY_BYTES/);
    expect(llm.requests).toHaveLength(1);
    expect(largest).toBeLessThan(20_000);
  });

  it('a reply nested 100,000 levels deep is refused with a repair issue: exit 2', {
    timeout: 120_000,
  }, async () => {
    const exit = await decomposeWith({ fault: 'deep-nesting', nestingDepth: 100_000 });
    recordFault({
      fault: 'LLM answers the decomposition with JSON nested 100,000 levels deep',
      behaviour: `exit ${exit.code}; ${llm.requests.length} requests (1 repair)`,
      bound: 'MAX_JSON_NESTING_DEPTH=64, LLM_MAX_REPAIRS=1',
      outcome: lines(exit.stderr).join(' / ').slice(0, 140),
    });
    expectOneLine(
      exit,
      2,
      /stayed invalid after 2 attempts \(the reply nests arrays and objects more than 64 levels deep/,
    );
    expect(llm.requests).toHaveLength(2);
  });

  it('a 10,000-task cyclic graph ends with a short error: exit 1', {
    timeout: 120_000,
  }, async () => {
    const size = 10_000;
    const graph = decompositionReply(
      Array.from({ length: size }, (_, i) => ({
        id: `t${i}`,
        description: 'x',
        role: 'backend' as const,
        depends_on:
          i === size - 1 ? Array.from({ length: size }, (_, j) => `t${j}`) : [`t${i + 1}`],
        acceptance: [{ type: 'file' as const, path: 'app.py' }],
      })),
    );
    llm.setRules([{ match: { role: 'master' }, reply: graph }]);
    const exit = await codegodBuild(['a problem', '-w', await workspace()], {
      VLLM_API_URL: llm.url,
      LLM_MAX_REPLY_BYTES: '8388608',
    });
    recordFault({
      fault: 'LLM decomposes into 10,000 tasks in 10,000 dependency cycles',
      behaviour: `exit ${exit.code}; error of ${exit.stderr.length} bytes`,
      bound: 'MAX_LISTED_GRAPH_ERRORS=5 per kind, 3 named in the error',
      outcome: lines(exit.stderr).join(' / ').slice(0, 140),
    });
    expectOneLine(
      exit,
      1,
      /still invalid after \d+ attempts: the graph has 10000 tasks; .*and \d+ more problems\./,
    );
    expect(exit.stderr.length).toBeLessThan(1000);
  });

  /** Runs the one-task plan with these rules; returns the exit and the report on disk. */
  async function runPlan(rules: ScriptedRule[], venv = false) {
    llm.setRules(rules);
    const ws = await workspace();
    if (venv) {
      await new Promise<void>((done, fail) => {
        const child = spawn('python3', ['-m', 'venv', '--without-pip', join(ws, 'venv')]);
        child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`venv: ${code}`))));
      });
    }
    const exit = await codegodBuild(['a problem', '-w', ws, '--plan', planFile, '--json'], {
      VLLM_API_URL: llm.url,
    });
    const json = JSON.parse(exit.stdout) as RunReport;
    const onDisk = runReportSchema.parse(
      JSON.parse(await readFile(join(ws, '.codegod', `${json.run_id}.json`), 'utf8')),
    );
    return { exit, report: onDisk };
  }

  const giveUp = (analysis: string): ScriptedRule => ({
    match: { phase: 'replan' },
    reply: { analysis, give_up: true, tasks: [] },
  });

  it('negative usage is never summed into the report: exit 0', { timeout: 120_000 }, async () => {
    const fault = 'negative-usage' as const;
    const { exit, report } = await runPlan(
      [
        {
          match: { role: 'backend', phase: 'plan' },
          fault,
          reply: {
            ...REASONING,
            steps: [
              {
                action: 'check_file_exists',
                target: 'venv',
                method: 'm',
                expected: 'e',
                args: { path: 'venv' },
              },
            ],
            estimated_duration: '1 minute',
            confidence: 0.9,
          },
        },
        { fault },
      ],
      true,
    );
    recordFault({
      fault: 'every LLM reply reports usage of -1,000,000 tokens',
      behaviour: `run ${report.state}; report tokens ${JSON.stringify(report.tokens)}`,
      bound: 'plausibleUsage: 0..10,000,000 whole tokens per request',
      outcome: `exit ${exit.code}`,
    });
    expect(exit.code, exit.stderr).toBe(0);
    expect(report.state).toBe('succeeded');
    expect(llm.requests.length).toBeGreaterThan(0);
    expect(report.tokens).toEqual({ total: 0, by_role: {} });
  });

  it('terminal control sequences in model text reach the terminal stripped, JSON escaped', {
    timeout: 120_000,
  }, async () => {
    const hostile = 'gave up\x1b[2J\x1b]0;pwned\x07\x1b]52;c;ZWNobyBwd25lZA==\x07\rFAKE';
    const { exit, report } = await runPlan([
      {
        match: { role: 'backend', phase: 'plan' },
        reply: {
          steps: [
            {
              action: 'read_file',
              target: 'x',
              method: 'm',
              expected: 'e',
              args: { path: 'missing.txt' },
            },
          ],
          estimated_duration: '1 minute',
          confidence: 0.9,
        },
      },
      giveUp(hostile),
    ]);
    recordFault({
      fault: 'master replan analysis carries ANSI/OSC sequences and \\r',
      behaviour: 'stripped on stderr; kept, escaped, in --json',
      bound: 'stripTerminalControls on every printed model/command text',
      outcome: `exit ${exit.code}`,
    });
    expect(exit.code, exit.stderr).toBe(1);
    expect(report.reason).toContain(hostile);
    expect(exit.stdout).toContain('\\u001b]0;pwned\\u0007');
    expect(exit.stderr).toContain('gave upFAKE');
    expect(exit.stderr).not.toMatch(CONTROL);
  });
});
