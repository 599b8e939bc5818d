import type { BenchInstance } from './bench-instance.js';
import type { BenchResult } from './bench-result.js';
import type { ProgressBar } from './progress-bar.js';
import { ResultsFile } from './results-file.js';
import { type InstanceRunSettings, runInstance } from './run-instance.js';

/** Settings of runBench. */
export interface BenchRunSettings extends InstanceRunSettings {
  /** Where results go, one line per finished instance. */
  resultsPath: string;
  /** Instances run at once. Default: 1. */
  parallel?: number;
  /** Skip instances already in the results file (else the file is started afresh). */
  resume?: boolean;
  progress?: ProgressBar;
  /** Stops the bench: running instances are killed and not recorded. */
  signal?: AbortSignal;
}

/** What runBench did. */
export interface BenchRun {
  /** Every result in the file, earlier ones (with --resume) included, in the file's order. */
  results: BenchResult[];
  /** Instances skipped because the results file had them. */
  skipped: number;
  /** True when the signal stopped the bench before every instance ran. */
  interrupted: boolean;
}

/**
 * Runs instances through codegod, up to `parallel` at once, appending each result as it
 * finishes. Without `resume` an existing results file is replaced.
 */
export async function runBench(
  instances: readonly BenchInstance[],
  settings: BenchRunSettings,
): Promise<BenchRun> {
  const file = new ResultsFile(settings.resultsPath);
  let earlier: BenchResult[] = [];
  if (settings.resume) earlier = await file.load();
  else await file.reset();
  const done = new Set(earlier.map((result) => result.instance_id));
  const todo = instances.filter((instance) => !done.has(instance.instance_id));
  const results = [...earlier];
  const signal = settings.signal ?? new AbortController().signal;
  const progress = settings.progress;
  progress?.start(todo.length);
  let next = 0;
  const worker = async () => {
    while (next < todo.length && !signal.aborted) {
      const instance = todo[next++]!;
      progress?.begin(instance.instance_id);
      const result = await runInstance(instance, settings, signal);
      progress?.end(instance.instance_id, result);
      if (!result) continue;
      // Appended before it is counted: the file never lags behind what was shown.
      await file.append(result);
      results.push(result);
    }
  };
  const parallel = Math.max(1, settings.parallel ?? 1);
  await Promise.all(Array.from({ length: Math.min(parallel, todo.length) }, worker));
  progress?.stop();
  return {
    results,
    skipped: instances.length - todo.length,
    interrupted: signal.aborted && results.length - earlier.length < todo.length,
  };
}
