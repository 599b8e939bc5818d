import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_SERVICES } from './fleet-services.js';

/**
 * What `up` decided, kept in the state dir so that later verbs, from any shell, act on the same
 * fleet: `<state>/env` (sourceable `NAME=value` lines: the runtime, REDIS_URL, ports and every
 * setting given at `up`) and `<state>/replicas` (`service=N` lines).
 */
export class FleetState {
  /** The env file; `set -a; . <state>/env; set +a` points a shell at the fleet. */
  readonly envFile: string;
  readonly replicasFile: string;

  constructor(readonly dir: string) {
    this.envFile = join(dir, 'env');
    this.replicasFile = join(dir, 'replicas');
  }

  /** The recorded settings, or undefined when the fleet is not up. */
  readEnv(): Record<string, string> | undefined {
    let text: string;
    try {
      text = readFileSync(this.envFile, 'utf8');
    } catch {
      return undefined;
    }
    const values: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (match?.[1] !== undefined) values[match[1]] = unquoteShell(match[2] ?? '');
    }
    return values;
  }

  /** Writes the env file atomically, readable by its owner only (it holds passwords). */
  writeEnv(values: Record<string, string | undefined>): void {
    mkdirSync(this.dir, { recursive: true });
    const lines = [
      `# Written by codegod fleet up; removed by down. Source it: set -a; . ${this.envFile}; set +a`,
    ];
    for (const [name, value] of Object.entries(values)) {
      if (value !== undefined && value !== '') lines.push(`${name}=${quoteShell(value)}`);
    }
    const temporary = `${this.envFile}.tmp`;
    writeFileSync(temporary, `${lines.join('\n')}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.envFile);
  }

  removeEnv(): void {
    rmSync(this.envFile, { force: true });
  }

  /** Replicas per agent service; a missing file or service counts as one replica. */
  readReplicas(): Record<string, number> {
    const replicas = Object.fromEntries(AGENT_SERVICES.map((service) => [service, 1]));
    let text = '';
    try {
      text = readFileSync(this.replicasFile, 'utf8');
    } catch {
      return replicas;
    }
    for (const line of text.split('\n')) {
      const match = /^([a-z-]+)=(\d+)$/.exec(line.trim());
      if (match?.[1] !== undefined && AGENT_SERVICES.includes(match[1])) {
        replicas[match[1]] = Number(match[2]);
      }
    }
    return replicas;
  }

  writeReplicas(replicas: Record<string, number>): void {
    mkdirSync(this.dir, { recursive: true });
    const text = AGENT_SERVICES.map((service) => `${service}=${replicas[service] ?? 1}`).join('\n');
    const temporary = `${this.replicasFile}.tmp`;
    writeFileSync(temporary, `${text}\n`);
    renameSync(temporary, this.replicasFile);
  }
}

/** A value as a POSIX shell word: bare when that is safe, else single-quoted. */
export function quoteShell(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]*$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The inverse of quoteShell, plus the backslash escapes of bash's `printf %q`. */
export function unquoteShell(word: string): string {
  let result = '';
  let index = 0;
  while (index < word.length) {
    const char = word[index] as string;
    if (char === "'") {
      const end = word.indexOf("'", index + 1);
      const stop = end === -1 ? word.length : end;
      result += word.slice(index + 1, stop);
      index = stop + 1;
    } else if (char === '\\' && index + 1 < word.length) {
      result += word[index + 1];
      index += 2;
    } else {
      result += char;
      index += 1;
    }
  }
  return result;
}
