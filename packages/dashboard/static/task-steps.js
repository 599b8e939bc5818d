// A task's Observe -> Reason -> Plan -> Act -> Validate steps.
import { h, list } from './dom.js';

/** The five steps, in the order the agent runs them. */
export const PHASES = ['observe', 'reason', 'plan', 'act', 'validate'];

/** One step's record as elements. */
export function stepBody(phase, data) {
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
