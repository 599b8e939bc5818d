// The codegod dashboard page: plain DOM, no framework and no build step. Everything shown comes
// from the server's JSON API and is inserted as text, never as HTML: task outputs and the
// model's reasoning are untrusted.

const CSRF_TOKEN = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
const view = document.getElementById('view');
const counters = document.getElementById('counters');
const live = document.getElementById('live');
const SVG_NS = 'http://www.w3.org/2000/svg';
const PHASES = ['observe', 'reason', 'plan', 'act', 'validate'];
const EVENT_STATE = {
  'task-queue': 'queued',
  'task-start': 'running',
  'task-retry': 'queued',
  'task-skip': 'skipped',
};

/** An element with attributes and children; strings become text nodes. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An SVG element with attributes. */
function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

function badge(state) {
  return h('span', { class: 'badge', 'data-state': state }, state);
}

function age(ms) {
  if (ms === null || ms === undefined) return '–';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `${response.status}`);
  return body;
}

async function postJson(path, body = {}) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': CSRF_TOKEN ?? '' },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error ?? `${response.status}`);
  return answer;
}

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

function tokensText(tokens) {
  if (!tokens) return '–';
  const roles = Object.entries(tokens.by_role)
    .map(([role, n]) => `${role} ${n}`)
    .join(', ');
  return roles ? `${tokens.total} (${roles})` : String(tokens.total);
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

const NODE_W = 180;
const NODE_H = 50;
const COL_GAP = 70;
const ROW_GAP = 18;
const PAD = 24;

function dagSvg(run) {
  const columns = [];
  for (const task of run.tasks) {
    columns[task.wave] = columns[task.wave] ?? [];
    columns[task.wave].push(task);
  }
  const position = new Map();
  columns.forEach((column, wave) => {
    column.forEach((task, row) => {
      position.set(task.id, {
        x: PAD + wave * (NODE_W + COL_GAP),
        y: PAD + 16 + row * (NODE_H + ROW_GAP),
      });
    });
  });
  const rows = Math.max(1, ...columns.map((c) => c.length));
  const width = PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * COL_GAP;
  const height = PAD * 2 + 16 + rows * NODE_H + (rows - 1) * ROW_GAP;
  const svg = s('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    id: 'dag',
    role: 'img',
  });
  svg.append(
    s(
      'defs',
      {},
      s(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 10,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto',
        },
        s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8a93a5' }),
      ),
    ),
  );
  columns.forEach((_column, wave) => {
    const label = s('text', { class: 'wave-label', x: PAD + wave * (NODE_W + COL_GAP), y: PAD });
    label.textContent = `wave ${wave + 1}`;
    svg.append(label);
  });
  for (const task of run.tasks) {
    const to = position.get(task.id);
    for (const dep of task.depends_on) {
      const from = position.get(dep);
      if (!from) continue;
      const x1 = from.x + NODE_W;
      const y1 = from.y + NODE_H / 2;
      const x2 = to.x;
      const y2 = to.y + NODE_H / 2;
      const bend = (x2 - x1) / 2;
      svg.append(
        s('path', {
          class: 'edge',
          'data-from': dep,
          'data-to': task.id,
          d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
          'marker-end': 'url(#arrow)',
        }),
      );
    }
  }
  for (const task of run.tasks) {
    const { x, y } = position.get(task.id);
    const title = s('title');
    title.textContent = task.description;
    const name = s('text', { class: 'task-id', x: x + 10, y: y + 20 });
    name.textContent = task.id;
    const detail = s('text', { class: 'task-detail', x: x + 10, y: y + 38 });
    const node = s(
      'g',
      {
        class: 'node',
        'data-task-id': task.id,
        'data-state': task.state,
        'data-wave': task.wave,
        tabindex: 0,
      },
      title,
      s('rect', { x, y, width: NODE_W, height: NODE_H, rx: 7 }),
      name,
      detail,
    );
    setNodeState(node, task);
    node.addEventListener('click', () => {
      location.hash = `#/runs/${encodeURIComponent(run.run_id)}/tasks/${encodeURIComponent(task.id)}`;
    });
    svg.append(node);
  }
  return svg;
}

function setNodeState(node, task) {
  node.setAttribute('data-state', task.state);
  const attempts = task.attempts > 1 ? ` · try ${task.attempts}` : '';
  node.querySelector('.task-detail').textContent = `${task.role} · ${task.state}${attempts}`;
}

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
    h('div', { class: 'dag' }, dagSvg(run)),
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

function list(items) {
  return items.length
    ? h(
        'ul',
        {},
        items.map((item) => h('li', {}, item)),
      )
    : h('span', { class: 'muted' }, 'none');
}

function stepBody(phase, data) {
  if (phase === 'observe') {
    const { findings, ...facts } = data;
    return [
      h('dl', {}, h('dt', {}, 'findings'), h('dd', {}, list(findings ?? []))),
      h('details', {}, h('summary', {}, 'facts'), h('pre', {}, JSON.stringify(facts, null, 2))),
    ];
  }
  if (phase === 'reason')
    return h(
      'dl',
      {},
      [
        'problem_analysis',
        'root_causes',
        'approach',
        'risks',
        'success_criteria',
        'conclusion',
      ].flatMap((field) => [
        h('dt', {}, field.replaceAll('_', ' ')),
        h(
          'dd',
          { 'data-field': field },
          Array.isArray(data[field]) ? list(data[field]) : data[field],
        ),
      ]),
    );
  if (phase === 'plan')
    return [
      h(
        'ol',
        {},
        data.steps.map((step) =>
          h(
            'li',
            {},
            h('b', {}, step.action),
            ` ${step.target}: ${step.method}`,
            h('div', { class: 'muted' }, `expects ${step.expected}`),
          ),
        ),
      ),
      h('p', { class: 'muted' }, `confidence ${data.confidence} · ${data.estimated_duration}`),
    ];
  if (phase === 'act')
    return data.map((action) =>
      h(
        'div',
        { class: 'action' },
        h(
          'b',
          { class: action.success ? 'ok' : 'bad' },
          `${action.success ? '✓' : '✗'} ${action.step}. ${action.action}`,
        ),
        h('pre', {}, action.output),
      ),
    );
  return [
    h(
      'p',
      { class: data.valid ? 'ok' : 'bad', 'data-valid': data.valid },
      data.valid ? 'valid' : 'not valid',
    ),
    h('pre', {}, data.output),
    data.checks?.length
      ? h(
          'ul',
          { class: 'checks' },
          data.checks.map((check) =>
            h(
              'li',
              { class: check.passed ? 'ok' : 'bad' },
              `${check.passed ? '✓' : '✗'} ${check.ran}: ${check.reason}`,
            ),
          ),
        )
      : null,
  ];
}

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

function agentCard(agent) {
  const memory = agent.memory;
  return h(
    'div',
    { class: 'agent', 'data-agent-id': agent.agent_id, 'data-state': agent.state },
    h('h3', {}, agent.agent_id, ' ', badge(agent.state)),
    h(
      'div',
      { class: 'muted' },
      `${agent.role ?? '?'} · heartbeat ${age(agent.heartbeat_age_ms)} ago · ${agent.current_task ?? 'no task'}`,
    ),
    memory
      ? h(
          'dl',
          { class: 'memory' },
          h('dt', {}, 'completed tasks'),
          h(
            'dd',
            { 'data-field': 'completed_tasks', 'data-count': memory.completed_tasks.length },
            memory.completed_tasks.join(', ') || 'none',
          ),
          h('dt', {}, 'observations'),
          h(
            'dd',
            { 'data-field': 'observations', 'data-count': memory.observations.length },
            memory.observations.length,
          ),
          h('dt', {}, 'reasoning history'),
          h(
            'dd',
            { 'data-field': 'reasoning_history', 'data-count': memory.reasoning_history.length },
            memory.reasoning_history.length,
          ),
          h('dt', {}, 'knowledge'),
          h('dd', {}, Object.keys(memory.knowledge).join(', ') || 'none'),
        )
      : h('p', { class: 'muted' }, 'no memory'),
    memory
      ? h(
          'details',
          {},
          h('summary', {}, 'memory as stored'),
          h('pre', {}, JSON.stringify(memory, null, 2)),
        )
      : null,
    memory
      ? h(
          'div',
          {},
          h(
            'button',
            { type: 'button', class: 'wipe', onclick: () => changeMemory(agent.agent_id, 'wipe') },
            'Wipe memory',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'checkpoint',
              onclick: () => changeMemory(agent.agent_id, 'checkpoint'),
            },
            'Checkpoint',
          ),
        )
      : null,
    agent.checkpoints.length
      ? h(
          'ul',
          { class: 'checkpoints' },
          agent.checkpoints.map((id) =>
            h(
              'li',
              {},
              id,
              ' ',
              h(
                'button',
                {
                  type: 'button',
                  class: 'restore',
                  onclick: () => changeMemory(agent.agent_id, 'restore', { checkpoint_id: id }),
                },
                'Restore',
              ),
            ),
          ),
        )
      : null,
    h('p', { class: 'message', role: 'status' }),
  );
}

async function renderAgents() {
  const data = await getJson('api/agents');
  if (!stillShowing({ name: 'agents' })) return;
  show(
    h('h1', {}, 'Agents'),
    data.agents.length
      ? h('div', { class: 'agents', id: 'agents' }, data.agents.map(agentCard))
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

window.addEventListener('hashchange', render);
// Heartbeat ages and idle agents change without events.
setInterval(() => {
  if (currentRoute().name === 'agents') renderAgents().catch(() => {});
}, 3000);
connect();
render();
