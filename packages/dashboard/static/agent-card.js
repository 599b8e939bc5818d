// An agent's card: heartbeat, memory, and the buttons that change the memory.
import { age, badge, h } from './dom.js';

/** The card of `agent`; its buttons call `onChange(agentId, change, body)`. */
export function agentCard(agent, onChange) {
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
            { type: 'button', class: 'wipe', onclick: () => onChange(agent.agent_id, 'wipe') },
            'Wipe memory',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'checkpoint',
              onclick: () => onChange(agent.agent_id, 'checkpoint'),
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
                  onclick: () => onChange(agent.agent_id, 'restore', { checkpoint_id: id }),
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
