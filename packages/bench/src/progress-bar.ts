import type { BenchResult } from './bench-result.js';

/** Where the bar draws: a stream plus whether it is a terminal. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const WIDTH = 30;

/**
 * The bench's progress: on a terminal, one bar redrawn in place (done/total, solved, false
 * successes, what is running); otherwise one plain line per finished instance, for logs and CI.
 */
export class ProgressBar {
  readonly #out: ProgressOutput;
  readonly #running = new Set<string>();
  #total = 0;
  #done = 0;
  #solved = 0;
  #falseSuccesses = 0;
  #startedAt = Date.now();

  constructor(output: ProgressOutput) {
    this.#out = output;
  }

  /** Starts counting `total` instances. */
  start(total: number): void {
    this.#total = total;
    this.#startedAt = Date.now();
    this.#draw();
  }

  /** An instance started. */
  begin(id: string): void {
    this.#running.add(id);
    this.#draw();
  }

  /** An instance ended; `result` is undefined when it was interrupted. */
  end(id: string, result: BenchResult | undefined): void {
    this.#running.delete(id);
    if (!result) return;
    this.#done++;
    if (result.solved) this.#solved++;
    if (result.false_success) this.#falseSuccesses++;
    if (this.#out.isTTY) this.#draw();
    else {
      const verdict = result.solved ? 'solved' : 'not solved';
      const falseSuccess = result.false_success ? ' FALSE SUCCESS' : '';
      this.#out.write(
        `[${this.#done}/${this.#total}] ${id}: ${verdict} (codegod ${result.codegod_verdict}, ${(result.wall_ms / 1000).toFixed(1)}s)${falseSuccess}\n`,
      );
    }
  }

  /** Finishes the bar's line on a terminal. */
  stop(): void {
    if (this.#out.isTTY) this.#out.write('\n');
  }

  #draw(): void {
    if (!this.#out.isTTY) return;
    const filled = this.#total === 0 ? WIDTH : Math.round((this.#done / this.#total) * WIDTH);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
    const elapsed = `${Math.round((Date.now() - this.#startedAt) / 1000)}s`;
    const running = [...this.#running].join(', ');
    const line = `[${bar}] ${this.#done}/${this.#total} solved ${this.#solved} false-success ${this.#falseSuccesses} ${elapsed}${running ? ` running: ${running}` : ''}`;
    this.#out.write(`\r\x1b[2K${line.slice(0, 160)}`);
  }
}
