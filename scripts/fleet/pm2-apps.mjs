// Reads `pm2 jlist` on stdin and prints the apps for start-agents.sh:
//   lines  one `name namespace status pid` line per app (pid 0 when not running)
//   table  a readable table for `status`
import { readFileSync } from 'node:fs';

const mode = process.argv[2] ?? 'lines';
const input = readFileSync(0, 'utf8');
// pm2 may print a notice before the JSON; the list starts at the first '['.
const start = input.indexOf('[');
const apps = start === -1 ? [] : JSON.parse(input.slice(start));

const rows = apps.map((app) => ({
  name: app.name,
  namespace: app.pm2_env?.namespace ?? 'default',
  status: app.pm2_env?.status ?? 'unknown',
  pid: app.pid ?? 0,
  restarts: app.pm2_env?.restart_time ?? 0,
  uptime: app.pm2_env?.pm_uptime ? Math.round((Date.now() - app.pm2_env.pm_uptime) / 1000) : 0,
  memory: app.monit?.memory ? `${Math.round(app.monit.memory / 1048576)}MB` : '-',
}));

if (mode === 'lines') {
  for (const row of rows) console.log(`${row.name} ${row.namespace} ${row.status} ${row.pid}`);
} else if (rows.length === 0) {
  console.log('  (no processes)');
} else {
  const pad = (value, width) => String(value).padEnd(width);
  console.log(
    `  ${pad('name', 22)}${pad('status', 10)}${pad('pid', 9)}${pad('restarts', 10)}${pad('uptime', 9)}memory`,
  );
  for (const row of rows) {
    const online = row.status === 'online';
    console.log(
      `  ${pad(row.name, 22)}${pad(row.status, 10)}${pad(row.pid, 9)}${pad(row.restarts, 10)}${pad(online ? `${row.uptime}s` : '-', 9)}${row.memory}`,
    );
  }
}
