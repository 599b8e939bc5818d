// The page's own code runs in the browser through page.evaluate: it needs the DOM's types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFlaskAppFixture, makeNodeMainFixture } from '@codegod/actions/fixtures';
import type { AgentView } from '@codegod/dashboard';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { runReportSchema } from '@codegod/protocol';
import { tempDir, waitFor } from '@codegod/testkit';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChildProcesses,
  CLI_BIN,
  childEnvironment,
  ROOT,
  type TrackedChild,
} from './support/child-processes.js';
import { flaskReactRules, strictWavePlan, WAVES } from './support/flask-react-plan.js';

/** Debian's chromium (apt-get install chromium; .ci/run installs it); no browser is downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the screenshots go, for a person to look at after the run. */
const SCREENSHOTS = join(ROOT, 'test-results', 'dashboard');
// Slow enough that the page sees tasks queued and running before they succeed.
const PLAN_LATENCY_MS = 2000;

/** The memory of one agent as the dashboard's API shows it. */
async function agentMemory(url: string, agentId: string) {
  const answer = (await (
    await fetch(`${url}api/agents`, { signal: AbortSignal.timeout(30_000) })
  ).json()) as { agents: AgentView[] };
  return answer.agents.find((agent) => agent.agent_id === agentId)?.memory;
}

/**
 * Clicks the element `selector` finds, in one step inside the page: the views re-render as
 * events arrive, so an element found first and clicked later may have been replaced.
 */
async function clickNow(page: Page, selector: string): Promise<void> {
  await page.waitForSelector(selector, { timeout: 30_000 });
  const clicked = await page.evaluate((wanted) => {
    const element = document.querySelector(wanted);
    if (element instanceof HTMLElement) element.click();
    else if (element instanceof SVGElement)
      element.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    else return false;
    return true;
  }, selector);
  expect(clicked, selector).toBe(true);
}

/** Every state each DAG node has shown since the call, recorded in the page itself. */
async function recordNodeStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    const note = (node: Element) => {
      const id = node.getAttribute('data-task-id') ?? '';
      const state = node.getAttribute('data-state') ?? '';
      const states = seen[id] ?? [];
      if (states.at(-1) !== state) states.push(state);
      seen[id] = states;
    };
    for (const node of document.querySelectorAll('#dag .node')) note(node);
    new MutationObserver((changes) => {
      for (const change of changes) if (change.target instanceof Element) note(change.target);
    }).observe(document.getElementById('view') as HTMLElement, {
      subtree: true,
      attributes: true,
      attributeFilter: ['data-state'],
    });
    Object.assign(window, { seenStates: seen, loadedOnce: true });
  });
}

// A real embedded build of the six-task plan with --ui, against the scripted OpenAI-compatible
// server, watched in Debian's headless chromium through puppeteer-core: the DAG by waves going
// live to succeeded, a task's steps, an agent's memory wiped, and a POST without the token refused.
describe('e2e: the dashboard in a real browser during an embedded --ui build', () => {
  const children = new ChildProcesses();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let llm: ScriptedLlmServer;
  let browser: Browser | undefined;
  let build: TrackedChild;
  let workspace: string;
  let plan: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set CHROMIUM_PATH)`);
    await mkdir(SCREENSHOTS, { recursive: true });
    dir = await tempDir('codegod-e2e-dashboard-');
    plan = join(dir.path, 'strict-waves.plan.json');
    await strictWavePlan(plan);
    const fixture = await makeFlaskAppFixture(dir.path);
    await makeNodeMainFixture(dir.path);
    workspace = fixture.workspace;
    llm = await startScriptedLlmServer({ rules: flaskReactRules(PLAN_LATENCY_MS) });
    env = childEnvironment({
      ...fixture.pipEnv,
      VLLM_API_URL: llm.url,
      LLM_MODEL: 'scripted-model',
      DASHBOARD_PORT: '0',
    });
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
      // A browser call that never answers fails within a minute, naming the call, instead of
      // using up the test's whole timeout (seen once in CI after the DAG reached succeeded).
      protocolTimeout: 60_000,
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await children.stopAll();
    await llm?.close();
    await dir?.remove();
  });

  it('shows the DAG live, a task by steps, and wipes memory only with the CSRF token', {
    timeout: 300_000,
  }, async () => {
    build = children.spawnNode(
      'codegod',
      CLI_BIN,
      [
        'build',
        'Build a Flask + React app',
        '-w',
        workspace,
        '--plan',
        plan,
        '--ui',
        '--ui-keep',
        '600',
      ],
      env,
    );
    await children.waitForOutput(build, 'codegod: dashboard: http://', 60_000);
    const url = /codegod: dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(build.stderr())?.[1];
    expect(url, build.stderr()).toBeDefined();
    const base = url as string;
    const page = await (browser as Browser).newPage();
    await page.setViewport({ width: 1400, height: 900 });

    // The runs list, then the run: six nodes in three waves, edges from wave to wave.
    await page.goto(base);
    await page.waitForSelector('#runs a.run-link', { timeout: 60_000 });
    await page.screenshot({ path: join(SCREENSHOTS, '1-runs.png') });
    await clickNow(page, '#runs a.run-link');
    await page.waitForSelector('#dag .node', { timeout: 30_000 });
    await recordNodeStates(page);
    const nodes = await page.$$eval('#dag .node', (all) =>
      all.map((node) => ({
        id: node.getAttribute('data-task-id'),
        wave: Number(node.getAttribute('data-wave')),
      })),
    );
    expect(nodes).toHaveLength(6);
    for (const [wave, ids] of WAVES.entries())
      expect(
        nodes
          .filter((n) => n.wave === wave)
          .map((n) => n.id)
          .sort(),
      ).toEqual([...ids].sort());
    expect(await page.$$eval('#dag .edge', (edges) => edges.length)).toBe(8);
    expect(await page.$eval('#live', (live) => live.getAttribute('data-live'))).toBe('true');

    await page.waitForSelector('#dag .node[data-state="running"]', { timeout: 60_000 });
    await page.screenshot({ path: join(SCREENSHOTS, '2-dag-running.png') });
    await page.waitForFunction(
      () =>
        document.querySelector('#run-header .badge')?.getAttribute('data-state') === 'succeeded' &&
        [...document.querySelectorAll('#dag .node')].every(
          (node) => node.getAttribute('data-state') === 'succeeded',
        ),
      { timeout: 240_000, polling: 200 },
    );
    await page.screenshot({ path: join(SCREENSHOTS, '3-dag-succeeded.png') });
    const live = await page.evaluate(() => ({
      states: (window as unknown as { seenStates: Record<string, string[]> }).seenStates,
      sameDocument: (window as unknown as { loadedOnce?: boolean }).loadedOnce === true,
    }));
    // No reload: the page's own record survived, and it saw the last wave go from waiting to
    // running to succeeded over the event stream.
    expect(live.sameDocument).toBe(true);
    for (const id of WAVES[2]) {
      const states = live.states[id] ?? [];
      expect(states[0], `${id}: ${states.join(' -> ')}`).not.toBe('succeeded');
      expect(states, id).toContain('running');
      expect(states.at(-1), id).toBe('succeeded');
    }

    // A task's page: its reasoning, plan, actions and validation.
    await clickNow(page, '#dag .node[data-task-id="backend-setup"]');
    await page.waitForSelector('.step-validate', { timeout: 30_000 });
    expect(await page.$eval('.step-reason [data-field="approach"]', (e) => e.textContent)).toBe(
      'complete backend-setup',
    );
    expect(await page.$eval('.step-plan', (e) => e.textContent)).toContain('install_dependency');
    expect(await page.$eval('.step-act', (e) => e.textContent)).toContain('install_dependency');
    expect(await page.$eval('.step-validate [data-valid]', (e) => e.textContent)).toBe('valid');
    expect(await page.$eval('.step-validate', (e) => e.textContent)).toContain('import flask');
    await page.screenshot({ path: join(SCREENSHOTS, '4-task-steps.png'), fullPage: true });

    // Agents: wipe backend-1's memory from the page.
    await clickNow(page, '#nav-agents');
    const card = '.agent[data-agent-id="backend-1"]';
    await page.waitForSelector(`${card} [data-field="completed_tasks"]`, { timeout: 30_000 });
    const before = await agentMemory(base, 'backend-1');
    expect(before?.completed_tasks.length).toBeGreaterThan(0);
    await clickNow(page, `${card} button.wipe`);
    await page.waitForSelector(`${card} [data-field="completed_tasks"][data-count="0"]`, {
      timeout: 30_000,
    });
    const after = await agentMemory(base, 'backend-1');
    expect(after?.completed_tasks).toEqual([]);
    expect(after?.observations).toEqual([]);
    expect(after?.reasoning_history).toEqual([]);
    expect(after?.agent_role).toBe('backend');
    await page.screenshot({ path: join(SCREENSHOTS, '5-agents-wiped.png'), fullPage: true });

    // The same POST from the page without the token, or with a wrong one, is refused.
    const kept = await agentMemory(base, 'frontend-1');
    expect(kept?.completed_tasks.length).toBeGreaterThan(0);
    const refused = await page.evaluate(async () => {
      const plain = await fetch('/api/agents/frontend-1/wipe', { method: 'POST' });
      const forged = await fetch('/api/agents/frontend-1/wipe', {
        method: 'POST',
        headers: { 'x-csrf-token': 'not-the-token' },
      });
      return [plain.status, forged.status];
    });
    expect(refused).toEqual([403, 403]);
    expect((await agentMemory(base, 'frontend-1'))?.completed_tasks).toEqual(kept?.completed_tasks);

    // Ctrl-C ends --ui-keep; the run's own exit code and report stand.
    build.process.kill('SIGINT');
    expect(await children.exitCode(build, 60_000), build.stderr()).toBe(0);
    const report = await waitFor('the run report', async () => {
      const path = /report: (\S+)/.exec(build.stderr())?.[1];
      return path ? runReportSchema.parse(JSON.parse(await readFile(path, 'utf8'))) : undefined;
    });
    expect(report.state).toBe('succeeded');
  });
});
