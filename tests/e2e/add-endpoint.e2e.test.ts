import { execFile } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  decompositionReply,
  replanReply,
  type ScriptedStep,
  type ScriptedTask,
  taskRules,
} from '@codegod/agents/testing';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { type AcceptanceCheck, type RunReport, runReportSchema } from '@codegod/protocol';
import { freePort, tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcesses, childEnvironment, runCodegod } from './support/child-processes.js';

const run = promisify(execFile);

// "Add a GET /health endpoint": a tiny real HTTP app (Python's http.server), built by the real
// `codegod build` (embedded) with scripted agents. The task's http check starts the app in the
// sandbox and asks it, so success means the endpoint answers, not that the venv is healthy.

/** The app before the task: one route, served on the port given as its first argument. */
const appSource = (routes: Record<string, string>) => `import http.server
import sys

ROUTES = {
${Object.entries(routes)
  .map(([path, body]) => `    "${path}": lambda: "${body}",`)
  .join('\n')}
}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        route = ROUTES.get(self.path)
        body = (route() if route else "not found").encode()
        self.send_response(200 if route else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1])
    http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
`;

/** The user's own test of the endpoints the problem asks for (the run-level --check). */
const USER_TEST = `import unittest

import app


class Endpoints(unittest.TestCase):
    def test_health(self):
        self.assertEqual(app.ROUTES["/health"](), "ok")

    def test_version(self):
        self.assertEqual(app.ROUTES["/version"](), "1.0")


if __name__ == "__main__":
    unittest.main()
`;

/** True when something listens on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('e2e: "Add a function/endpoint", embedded CLI', () => {
  const children = new ChildProcesses();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let template: string;
  let llm: ScriptedLlmServer;
  let port: number;
  let workspaces = 0;

  beforeAll(async () => {
    dir = await tempDir('codegod-e2e-endpoint-');
    template = join(dir.path, 'template');
    await run('python3', ['-m', 'venv', '--without-pip', join(template, 'venv')]);
    await writeFile(join(template, 'app.py'), appSource({ '/': 'hello' }));
    await writeFile(join(template, 'test_app.py'), USER_TEST);
    llm = await startScriptedLlmServer();
    port = await freePort();
  }, 60_000);

  afterAll(async () => {
    await children.stopAll();
    await llm?.close();
    await dir?.remove();
  });

  /** A fresh copy of the project (the venv's links stay valid: they point at the system python). */
  async function workspace(): Promise<string> {
    const path = join(dir.path, `ws-${++workspaces}`);
    await cp(template, path, { recursive: true, verbatimSymlinks: true });
    return path;
  }

  const endpointCheck = (path: string, body: string): AcceptanceCheck => ({
    type: 'http',
    service: ['venv/bin/python', 'app.py', String(port)],
    port,
    path,
    status: 200,
    body_regex: `^${body}$`,
    startup_timeout_ms: 15_000,
  });
  /** The task as the master plans it (a function: the port is only known in beforeAll). */
  const healthTask = (): ScriptedTask => ({
    id: 'add-health',
    description: 'Add a GET /health endpoint to app.py that returns ok',
    role: 'backend',
    depends_on: [],
    acceptance: [endpointCheck('/health', 'ok')],
  });
  const writeApp = (routes: Record<string, string>): ScriptedStep => ({
    action: 'write_file',
    args: { path: 'app.py', content: appSource(routes) },
  });

  async function build(ws: string, extra: string[]) {
    const result = await runCodegod(
      children,
      [
        'build',
        'Add a GET /health endpoint to app.py that returns ok',
        '-w',
        ws,
        '--json',
        ...extra,
      ],
      childEnvironment({ VLLM_API_URL: llm.url, LLM_MODEL: 'scripted-model' }),
    );
    const report: RunReport | undefined = result.stdout
      ? runReportSchema.parse(JSON.parse(result.stdout))
      : undefined;
    return { ...result, report };
  }

  it('a lazy agent that only reads app.py fails the run, with the failing check as the reason', {
    timeout: 240_000,
  }, async () => {
    llm.setRules([
      { match: { role: 'master', phase: 'decompose' }, reply: decompositionReply([healthTask()]) },
      ...taskRules('backend', 'add-health', [{ action: 'read_file', args: { path: 'app.py' } }]),
    ]);
    const ws = await workspace();
    const before = await readFile(join(ws, 'app.py'), 'utf8');
    const { code, stderr, report } = await build(ws, ['--max-replans', '0']);
    expect(code, stderr).toBe(1);
    expect(report?.state).toBe('failed');
    const failing = `acceptance check failed: GET http://127.0.0.1:${port}/health -> 200 (service: venv/bin/python app.py ${port}): GET /health returned 404, expected 200`;
    expect(report?.reason).toContain(failing);
    expect(report?.reason).toContain('HTTP 404\nnot found');
    const [task] = report?.tasks ?? [];
    expect(task).toMatchObject({ id: 'add-health', state: 'failed', proof: null });
    expect(task?.actions_taken.every((a) => a.action === 'read_file' && a.success)).toBe(true);
    expect(task?.validation?.checks).toMatchObject([{ passed: false }]);
    expect(stderr).toContain(`run ${report?.run_id} failed: task "add-health" failed:`);
    expect(stderr).toMatch(/add-health +FAIL {2}GET http:\/\/127\.0\.0\.1:\d+\/health/);
    // Nothing was changed, and no service was left running.
    expect(await readFile(join(ws, 'app.py'), 'utf8')).toBe(before);
    expect(await listening(port)).toBe(false);
  });

  it('a competent agent that writes the route succeeds, and the report shows the check passing', {
    timeout: 240_000,
  }, async () => {
    llm.setRules([
      { match: { role: 'master', phase: 'decompose' }, reply: decompositionReply([healthTask()]) },
      ...taskRules('backend', 'add-health', [writeApp({ '/': 'hello', '/health': 'ok' })]),
    ]);
    const ws = await workspace();
    const { code, stderr, report } = await build(ws, []);
    expect(code, stderr).toBe(0);
    expect(report?.state).toBe('succeeded');
    const [task] = report?.tasks ?? [];
    expect(task).toMatchObject({ state: 'succeeded', proof: 'verified' });
    expect(task?.validation?.checks).toMatchObject([
      { passed: true, reason: 'GET /health returned 200, body matches' },
    ]);
    expect(task?.validation?.checks[0]?.output).toContain('HTTP 200\nok');
    expect(report?.proof.summary).toBe('verified by 1 check');
    expect(stderr).toContain(`run ${report?.run_id} succeeded: verified by 1 check`);
    expect(stderr).toMatch(
      /add-health +pass {2}GET http:\/\/127\.0\.0\.1:\d+\/health .*: GET \/health returned 200/,
    );
    expect(await listening(port)).toBe(false);
    // Independently of codegod: the endpoint answers.
    const probe = await run(
      'venv/bin/python',
      [
        '-c',
        `import subprocess, time, urllib.request
server = subprocess.Popen(["venv/bin/python", "app.py", "${port}"])
try:
    for _ in range(100):
        try:
            print(urllib.request.urlopen("http://127.0.0.1:${port}/health").read().decode()); break
        except OSError:
            time.sleep(0.1)
finally:
    server.kill()`,
      ],
      { cwd: ws },
    );
    expect(probe.stdout.trim()).toBe('ok');
  });

  it('a run-level --check fails until a replan adds the missing work', {
    timeout: 240_000,
  }, async () => {
    const versionTask: ScriptedTask = {
      id: 'add-version',
      description: 'Add a GET /version endpoint to app.py that returns 1.0',
      role: 'backend',
      depends_on: ['add-health'],
      acceptance: [endpointCheck('/version', '1\\.0')],
    };
    llm.setRules([
      // The master forgets /version; only the user's own test knows.
      { match: { role: 'master', phase: 'decompose' }, reply: decompositionReply([healthTask()]) },
      ...taskRules('backend', 'add-health', [writeApp({ '/': 'hello', '/health': 'ok' })]),
      {
        match: { role: 'master', phase: 'replan', contains: "KeyError: '/version'" },
        reply: replanReply('the user test also wants /version', [versionTask]),
      },
      ...taskRules('backend', 'add-version', [
        writeApp({ '/': 'hello', '/health': 'ok', '/version': '1.0' }),
      ]),
    ]);
    const ws = await workspace();
    const { code, stderr, report } = await build(ws, [
      '--check',
      'venv/bin/python -m unittest -q test_app',
      '--max-replans',
      '1',
    ]);
    expect(code, stderr).toBe(0);
    expect(report?.state).toBe('succeeded');
    expect(report?.replan_rounds).toBe(1);
    expect(report?.reason).toBe('all tasks succeeded; 1 run check passed');
    expect(report?.tasks.map((t) => [t.id, t.state, t.proof])).toEqual([
      ['add-health', 'succeeded', 'verified'],
      ['add-version', 'succeeded', 'verified'],
    ]);
    expect(report?.proof.run_checks).toMatchObject([
      { ran: "sh -c 'venv/bin/python -m unittest -q test_app'", passed: true, exit_code: 0 },
    ]);
    expect(report?.proof.summary).toBe('verified by 3 checks');
    // The first run of the check failed and its output reached the master.
    expect(stderr).toMatch(/run check FAILED: sh -c .*exited 1, expected 0/);
    const replan = llm.requests.find((r) => r.phase === 'replan');
    expect(replan?.messages.at(-1)?.content).toContain("KeyError: '/version'");
    expect(await listening(port)).toBe(false);
  });

  it('--require-verified turns success without checks into exit 1', {
    timeout: 240_000,
  }, async () => {
    llm.setRules([...taskRules('backend', 'add-health', [writeApp({ '/health': 'ok' })])]);
    const ws = await workspace();
    const plan = join(dir.path, 'no-checks.plan.json');
    const { acceptance: _none, ...unchecked } = healthTask();
    await writeFile(plan, JSON.stringify({ tasks: [unchecked] }));
    const { code, stderr, report } = await build(ws, ['--plan', plan, '--require-verified']);
    expect(report?.state).toBe('succeeded');
    expect(report?.tasks[0]?.proof).toBe('unverified');
    expect(report?.proof.summary).toBe('1 task unverified (no acceptance checks)');
    expect(stderr).toContain(
      `run ${report?.run_id} succeeded: 1 task unverified (no acceptance checks)`,
    );
    expect(stderr).toContain(
      'codegod: --require-verified: 1 task(s) succeeded without acceptance checks: add-health',
    );
    expect(code).toBe(1);
  });
});
