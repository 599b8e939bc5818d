// The codegod dashboard page: plain DOM, no framework and no build step. Everything shown comes
// from the server's JSON API and is inserted as text, never as HTML: task outputs and the
// model's reasoning are untrusted.
import { agentCard } from './agent-card.js';
import { dagSvg, setNodeState } from './dag-view.js';
import { age, badge, getJson, h, postJson, tokensText } from './dom.js';
import { PHASES, stepBody } from './task-steps.js';

const view = document.getElementById('view');
const counters = document.getElementById('counters');
const live = document.getElementById('live');
const EVENT_STATE = {
  'task-queue': 'queued',
  'task-start': 'running',
  'task-retry': 'queued',
  'task-skip': 'skipped',
};

// ---- routes: #/ runs, #/runs/<id>, #/runs/<id>/tasks/<task>, #/agents

function currentRoute() {
  const parts = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  if (parts[0] === 'agents') return { name: 'agents' };
  if (parts[0] === 'runs' && parts[1] && parts[2] === 'tasks' && parts[3])
    return { name: 'task', runId: parts[1], taskId: parts[3] };
  if (parts[0] === 'runs' && parts[1]) return { name: 'run', runId: parts[1] };
  return { name: 'runs' };
}

let route = currentRoute();
let rendered = null;

function show(...children) {
  view.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined));
}

/** True while the page still shows `wanted`: a slow answer must not paint over a newer view. */
function stillShowing(wanted) {
  const shown = currentRoute();
  return (
    shown.name === wanted.name && shown.runId === wanted.runId && shown.taskId === wanted.taskId
  );
}

async function render() {
  route = currentRoute();
  followSteps(route);
  document.getElementById('nav-runs').classList.toggle('active', route.name !== 'agents');
  document.getElementById('nav-agents').classList.toggle('active', route.name === 'agents');
  try {
    if (route.name === 'runs') await renderRuns();
    else if (route.name === 'run') await renderRun(route.runId);
    else if (route.name === 'task') await renderTask(route.runId, route.taskId);
    else await renderAgents();
  } catch (error) {
    show(h('p', { class: 'bad', id: 'error' }, String(error.message ?? error)));
  }
}

// ---- counters and runs

function renderCounters(overview) {
  const items = [];
  if (overview.metrics)
    for (const [name, value] of Object.entries(overview.metrics))
      items.push(h('span', { class: 'counter', 'data-counter': name }, name, h('b', {}, value)));
  for (const queue of overview.queues)
    items.push(
      h(
        'span',
        { class: 'counter', 'data-queue': queue.role },
        `${queue.role} queue`,
        h('b', {}, `${queue.queued} waiting · ${queue.running} running`),
      ),
    );
  counters.replaceChildren(...items);
}

async function refreshCounters() {
  renderCounters(await getJson('api/overview'));
}

async function renderRuns() {
  const overview = await getJson('api/overview');
  if (!stillShowing({ name: 'runs' })) return;
  renderCounters(overview);
  const rows = overview.runs.map((run) =>
    h(
      'tr',
      { 'data-run-id': run.run_id },
      h(
        'td',
        {},
        h('a', { href: `#/runs/${encodeURIComponent(run.run_id)}`, class: 'run-link' }, run.run_id),
      ),
      h('td', {}, badge(run.state)),
      h('td', {}, run.problem),
      h('td', {}, age(overview.now - run.created_at)),
      h('td', {}, tokensText(run.tokens)),
      h('td', { class: 'muted' }, run.reason),
    ),
  );
  show(
    h('h1', {}, 'Runs'),
    rows.length === 0
      ? h('p', { class: 'muted' }, 'No runs yet.')
      : h(
          'table',
          { id: 'runs' },
          h(
            'tr',
            {},
            ['run', 'state', 'problem', 'age', 'tokens', 'reason'].map((c) => h('th', {}, c)),
          ),
          rows,
        ),
  );
}

// ---- one run: the DAG by waves

function runHeader(run) {
  return [
    h('h1', {}, `Run ${run.run_id} `, badge(run.state), ' ', run.proof ? badge(run.proof) : null),
    h('p', {}, run.problem),
    h(
      'p',
      { class: 'muted', id: 'run-reason' },
      `${run.reason} · ${run.tasks.length} tasks in ${run.wave_count} waves · tokens ${tokensText(run.tokens)}`,
    ),
  ];
}

function taskTable(run) {
  return h(
    'table',
    { id: 'tasks' },
    h(
      'tr',
      {},
      ['task', 'role', 'state', 'wave', 'attempts', 'agent', 'reason'].map((c) => h('th', {}, c)),
    ),
    run.tasks.map((task) =>
      h(
        'tr',
        { 'data-task-id': task.id },
        h(
          'td',
          {},
          h(
            'a',
            {
              href: `#/runs/${encodeURIComponent(run.run_id)}/tasks/${encodeURIComponent(task.id)}`,
            },
            task.id,
          ),
        ),
        h('td', {}, task.role),
        h('td', {}, badge(task.state), ' ', task.proof ? badge(task.proof) : null),
        h('td', {}, task.wave + 1),
        h('td', {}, task.attempts),
        h('td', {}, task.agent_id ?? '–'),
        h('td', { class: 'muted' }, task.reason ?? ''),
      ),
    ),
  );
}

async function renderRun(runId) {
  const run = await getJson(`api/runs/${encodeURIComponent(runId)}`);
  if (!stillShowing({ name: 'run', runId })) return;
  rendered = { runId, taskIds: run.tasks.map((t) => t.id).join(',') };
  show(
    h('div', { id: 'run-header' }, runHeader(run)),
    h(
      'div',
      { class: 'dag' },
      dagSvg(run, (taskId) => {
        location.hash = `#/runs/${encodeURIComponent(run.run_id)}/tasks/${encodeURIComponent(taskId)}`;
      }),
    ),
    h('h2', {}, 'Tasks'),
    h('div', { id: 'task-table' }, taskTable(run)),
    run.replans.length
      ? h(
          'div',
          {},
          h('h2', {}, 'Replans'),
          h(
            'ul',
            {},
            run.replans.map((r) => h('li', {}, `round ${r.round}: ${r.reason}`)),
          ),
        )
      : null,
  );
}

/** Brings the shown run up to date in place, so the DAG changes without a reload. */
async function refreshRun(runId) {
  const run = await getJson(`api/runs/${encodeURIComponent(runId)}`);
  if (!stillShowing({ name: 'run', runId })) return;
  if (rendered?.runId !== runId || rendered.taskIds !== run.tasks.map((t) => t.id).join(',')) {
    await renderRun(runId);
    return;
  }
  for (const task of run.tasks) {
    const node = document.querySelector(`#dag .node[data-task-id="${CSS.escape(task.id)}"]`);
    if (node) setNodeState(node, task);
  }
  document.getElementById('run-header').replaceChildren(...runHeader(run));
  document.getElementById('task-table').replaceChildren(taskTable(run));
}

// ---- one task: its steps

async function renderTask(runId, taskId) {
  const data = await getJson(
    `api/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(taskId)}`,
  );
  if (!stillShowing({ name: 'task', runId, taskId })) return;
  const task = data.task;
  const attempts = data.attempts.map((attempt) =>
    h(
      'section',
      { class: 'attempt', 'data-attempt': attempt.attempt },
      h('h2', {}, `Attempt ${attempt.attempt}`, attempt.agent_id ? ` by ${attempt.agent_id}` : ''),
      attempt.iterations.map((iteration) =>
        h(
          'div',
          { class: 'iteration', 'data-iteration': iteration.iteration },
          h('h3', {}, `Iteration ${iteration.iteration}`),
          h(
            'div',
            { class: 'steps' },
            PHASES.filter((phase) => iteration.steps[phase] !== undefined).map((phase) =>
              h(
                'div',
                { class: `step step-${phase}`, 'data-phase': phase },
                h('h4', {}, phase),
                stepBody(phase, iteration.steps[phase]),
              ),
            ),
          ),
        ),
      ),
      attempt.wipes.map((wipe) =>
        h('p', { class: 'message' }, `memory of ${wipe.agent_id} wiped: ${wipe.reason}`),
      ),
      attempt.retry ? h('p', { class: 'message' }, `retried: ${attempt.retry.reason}`) : null,
      attempt.end
        ? h(
            'p',
            {
              class: `message ${attempt.end.success ? 'ok' : 'bad'}`,
              id: `end-${attempt.attempt}`,
            },
            `${attempt.end.success ? 'succeeded' : 'failed'}: ${attempt.end.output}`,
          )
        : null,
    ),
  );
  show(
    h('p', {}, h('a', { href: `#/runs/${encodeURIComponent(runId)}` }, `← run ${runId}`)),
    h('h1', {}, `Task ${task.id} `, badge(task.state), ' ', task.proof ? badge(task.proof) : null),
    h('p', {}, task.description),
    h(
      'p',
      { class: 'muted' },
      `${task.role} · wave ${task.wave + 1} · depends on ${task.depends_on.join(', ') || 'nothing'}`,
    ),
    data.skipped ? h('p', { class: 'message bad' }, `skipped: ${data.skipped}`) : null,
    attempts.length ? attempts : h('p', { class: 'muted' }, 'Not started yet.'),
  );
}

// ---- agents and their memory

async function changeMemory(agentId, change, body) {
  const message = document.querySelector(`.agent[data-agent-id="${CSS.escape(agentId)}"] .message`);
  try {
    const answer = await postJson(`api/agents/${encodeURIComponent(agentId)}/${change}`, body);
    await renderAgents();
    const fresh = document.querySelector(`.agent[data-agent-id="${CSS.escape(agentId)}"] .message`);
    if (fresh)
      fresh.textContent =
        change === 'checkpoint' ? `checkpoint ${answer.checkpoint_id} saved` : `${change} done`;
  } catch (error) {
    if (message) message.textContent = `${change} refused: ${error.message}`;
  }
}

async function renderAgents() {
  const data = await getJson('api/agents');
  if (!stillShowing({ name: 'agents' })) return;
  show(
    h('h1', {}, 'Agents'),
    data.agents.length
      ? h(
          'div',
          { class: 'agents', id: 'agents' },
          data.agents.map((agent) => agentCard(agent, changeMemory)),
        )
      : h('p', { class: 'muted' }, 'No agents yet.'),
  );
}

// ---- live updates

let pending = null;

/** Brings what is shown up to date; a run's DAG changes in place. */
async function refreshShown() {
  const shown = currentRoute();
  if (shown.name === 'run') {
    await refreshRun(shown.runId);
    await refreshCounters();
  } else if (shown.name === 'task') await renderTask(shown.runId, shown.taskId);
  else if (shown.name === 'runs') await renderRuns();
}

/** Coalesces bursts of events into one refresh of whatever is shown when it fires. */
function refreshSoon() {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    refreshShown().catch(() => {});
  }, 250);
}

function onRunEvent(event) {
  const shown = currentRoute();
  if (shown.name === 'run' && shown.runId === event.run_id) {
    const node =
      event.task_id &&
      document.querySelector(`#dag .node[data-task-id="${CSS.escape(event.task_id)}"]`);
    const state =
      event.type === 'task-end'
        ? event.success
          ? 'succeeded'
          : 'failed'
        : EVENT_STATE[event.type];
    if (node && state) node.setAttribute('data-state', state);
    refreshSoon();
  } else if (
    shown.name === 'runs' ||
    (shown.name === 'task' && shown.runId === event.run_id && shown.taskId === event.task_id)
  ) {
    refreshSoon();
  }
}

function connect() {
  const source = new EventSource('api/events');
  source.addEventListener('open', () => {
    live.dataset.live = 'true';
    live.textContent = 'live';
  });
  source.addEventListener('error', () => {
    live.dataset.live = 'false';
    live.textContent = 'reconnecting…';
  });
  source.addEventListener('run-event', (message) => onRunEvent(JSON.parse(message.data)));
}

/** Steps are not on the page-wide stream: while a task is shown, its run's steps stream too. */
let steps = null;
function followSteps(shown) {
  const runId = shown.name === 'task' ? shown.runId : null;
  if ((steps?.runId ?? null) === runId) return;
  steps?.source.close();
  steps = null;
  if (runId === null) return;
  const source = new EventSource(`api/events?run=${encodeURIComponent(runId)}`);
  source.addEventListener('run-event', (message) => onRunEvent(JSON.parse(message.data)));
  steps = { runId, source };
}

window.addEventListener('hashchange', render);
// Heartbeat ages and idle agents change without events.
setInterval(() => {
  if (currentRoute().name === 'agents') renderAgents().catch(() => {});
}, 3000);
connect();
render();
