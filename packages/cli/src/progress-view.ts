import { proofOf, type RunEvent } from '@codegod/protocol';
import { terminalLine } from './terminal-text.js';

interface Row {
  id: string;
  role: string;
  state: string;
  agent: string;
  startedAt?: number;
  endedAt?: number;
  note: string;
}

/** Where the view writes: a stream plus whether it is a terminal. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Shows a run's progress: on a terminal, a live table of tasks (role, state, duration);
 * otherwise one plain line per event, for logs and CI.
 */
export class ProgressView {
  readonly #out: ProgressOutput;
  readonly #rows = new Map<string, Row>();
  readonly #startedAt = Date.now();
  #drawnLines = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(output: ProgressOutput) {
    this.#out = output;
    if (output.isTTY) {
      this.#timer = setInterval(() => this.#draw(), 500);
      this.#timer.unref();
    }
  }

  /** Takes one run event into the view. */
  update(event: RunEvent): void {
    if ('task_id' in event) {
      const row = this.#rows.get(event.task_id) ?? {
        id: event.task_id,
        role: event.role,
        state: 'pending',
        agent: '',
        note: '',
      };
      switch (event.type) {
        case 'task-queue':
          // A task queued again (retried after a replan) starts a fresh row, not the failed one.
          row.state = 'queued';
          row.agent = '';
          row.note = '';
          row.startedAt = undefined;
          row.endedAt = undefined;
          break;
        case 'task-start':
          row.state = event.attempt > 1 ? `running (attempt ${event.attempt})` : 'running';
          row.agent = event.agent_id;
          row.note = '';
          row.startedAt = event.ts;
          row.endedAt = undefined;
          break;
        case 'task-step':
          row.note = `${event.phase} (iteration ${event.iteration})`;
          break;
        // Notes quote models and commands: one line, no terminal control sequences.
        case 'task-end':
          row.state = !event.success
            ? 'failed'
            : proofOf(event.result.validation.checks) === 'verified'
              ? 'done, verified'
              : 'done, unverified';
          row.endedAt = event.ts;
          row.note = event.success ? '' : terminalLine(event.result.output, 80);
          break;
        case 'task-retry':
          row.state = 'retrying';
          row.note = terminalLine(event.reason, 80);
          break;
        case 'task-skip':
          row.state = 'skipped';
          row.note = terminalLine(event.reason, 80);
          break;
        case 'agent-wipe':
          row.note = `memory wiped: ${terminalLine(event.reason, 60)}`;
          break;
      }
      this.#rows.set(event.task_id, row);
      if (!this.#out.isTTY && event.type !== 'task-step') this.#line(event, row);
    } else if (!this.#out.isTTY) {
      const elapsed = seconds(event.ts - this.#startedAt);
      const reason = 'reason' in event ? terminalLine(event.reason, 500) : '';
      if (event.type === 'replan')
        this.#out.write(`[${elapsed}] replan round ${event.round}: ${reason}\n`);
      if (event.type === 'run-end') this.#out.write(`[${elapsed}] run ${event.state}: ${reason}\n`);
      if (event.type === 'run-check') {
        for (const check of event.checks) {
          const verdict = check.passed ? 'passed' : 'FAILED';
          const what = `${terminalLine(check.ran, 200)}: ${terminalLine(check.reason, 300)}`;
          this.#out.write(`[${elapsed}] run check ${verdict}: ${what}\n`);
        }
      }
    } else if (event.type === 'replan' || event.type === 'run-check') {
      this.#draw();
      const lines =
        event.type === 'replan'
          ? [`replan round ${event.round}: ${terminalLine(event.reason, 500)}`]
          : event.checks.map(
              (c) => `run check ${c.passed ? 'passed' : 'FAILED'}: ${terminalLine(c.ran, 200)}`,
            );
      this.#out.write(`${lines.join('\n')}\n`);
      this.#drawnLines = 0;
    }
  }

  /** Draws the final table (terminal) and stops redrawing. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#out.isTTY) this.#draw();
  }

  #line(event: RunEvent & { task_id: string }, row: Row): void {
    const elapsed = seconds(event.ts - this.#startedAt);
    const took =
      row.startedAt !== undefined && row.endedAt !== undefined
        ? ` in ${seconds(row.endedAt - row.startedAt)}`
        : '';
    const note = row.note ? `: ${row.note}` : '';
    this.#out.write(
      `[${elapsed}] ${row.id} (${row.role}) ${row.state}${took}${row.agent ? ` [${row.agent}]` : ''}${note}\n`,
    );
  }

  #draw(): void {
    const now = Date.now();
    const lines = [...this.#rows.values()].map((row) => {
      const duration =
        row.startedAt === undefined ? '' : seconds((row.endedAt ?? now) - row.startedAt);
      return `${row.id.padEnd(24)} ${row.role.padEnd(9)} ${row.state.padEnd(17)} ${duration.padStart(7)}  ${row.note}`;
    });
    const header = `${'task'.padEnd(24)} ${'role'.padEnd(9)} ${'state'.padEnd(17)} ${'time'.padStart(7)}`;
    const all = [header, ...lines];
    // Move up over the previous drawing and clear each line before redrawing.
    const up = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A` : '';
    this.#out.write(`${up}${all.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    this.#drawnLines = all.length;
  }
}
