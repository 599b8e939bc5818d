import { appendFileSync } from 'node:fs';

/** One row of the fault table in docs/reliability.md. */
export interface FaultRow {
  /** The fault injected. */
  fault: string;
  /** What the system did. */
  behaviour: string;
  /** The bound that ended it. */
  bound: string;
  /** What the test observed (counts, reasons). */
  outcome: string;
}

/**
 * Records a row: printed on stdout and, when `CODEGOD_RELIABILITY_SUMMARY` names a file,
 * appended there as a JSON line for `node tests/reliability/print-summary.mjs FILE`.
 */
export function recordFault(row: FaultRow): void {
  const file = process.env.CODEGOD_RELIABILITY_SUMMARY;
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
  process.stdout.write(
    `[reliability] ${row.fault} | ${row.behaviour} | ${row.bound} | ${row.outcome}\n`,
  );
}
