// The run's DAG as inline SVG: one column per wave, an arrow per dependency.
import { s } from './dom.js';

const NODE_W = 180;
const NODE_H = 50;
const COL_GAP = 70;
const ROW_GAP = 18;
const PAD = 24;

/** The DAG of `run`; clicking a node calls `onOpen(taskId)`. */
export function dagSvg(run, onOpen) {
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
    node.addEventListener('click', () => onOpen(task.id));
    svg.append(node);
  }
  return svg;
}

/** Shows `task`'s state on its node. */
export function setNodeState(node, task) {
  node.setAttribute('data-state', task.state);
  const attempts = task.attempts > 1 ? ` · try ${task.attempts}` : '';
  node.querySelector('.task-detail').textContent = `${task.role} · ${task.state}${attempts}`;
}
