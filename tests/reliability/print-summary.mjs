// Prints the fault suite's rows (JSON lines written by recordFault) as a Markdown table.
// Usage: CODEGOD_RELIABILITY_SUMMARY=/tmp/faults.jsonl npx vitest run tests/reliability
//        node tests/reliability/print-summary.mjs /tmp/faults.jsonl
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node tests/reliability/print-summary.mjs FILE.jsonl\n');
  process.exit(2);
}
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line));
process.stdout.write(
  '| fault | what the system did | bound | observed |\n| --- | --- | --- | --- |\n',
);
for (const row of rows) {
  process.stdout.write(
    `| ${cell(row.fault)} | ${cell(row.behaviour)} | ${cell(row.bound)} | ${cell(row.outcome)} |\n`,
  );
}
