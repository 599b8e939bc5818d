import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/** The compose file under test. */
export const COMPOSE_FILE = join(ROOT, 'docker-compose.agents.yml');

/** One service of `docker-compose config`'s output (only the fields the tests read). */
export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: Array<string | { target: number; published: number | string; host_ip?: string }>;
  volumes?: Array<string | { source?: string; target: string; type?: string }>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
  group_add?: string[];
  user?: string;
  read_only?: boolean;
  tmpfs?: string[] | string;
  cap_drop?: string[];
  security_opt?: string[];
  pids_limit?: number | string;
  mem_limit?: number | string;
  build?: { context: string; dockerfile: string; target?: string };
  deploy?: {
    resources?: {
      reservations?: {
        devices?: Array<{ driver?: string; count?: number | string; capabilities: string[] }>;
      };
    };
  };
}

/** `docker-compose config`'s output. */
export interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * Runs Debian's docker-compose 1.29 `config` on the compose file with only `env` as the .env
 * file (so a developer's own .env or shell cannot change the result) and parses the YAML with
 * the PyYAML that docker-compose itself depends on.
 */
export function composeConfig(env: Record<string, string> = {}): ComposeConfig {
  const dir = mkdtempSync(join(tmpdir(), 'codegod-compose-'));
  try {
    const envFile = join(dir, 'env');
    writeFileSync(
      envFile,
      Object.entries(env)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    );
    const yaml = execFileSync(
      'docker-compose',
      ['--env-file', envFile, '-f', COMPOSE_FILE, 'config'],
      { cwd: ROOT, env: cleanEnv(), encoding: 'utf8' },
    );
    const json = execFileSync(
      'python3',
      ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      { input: yaml, encoding: 'utf8' },
    );
    return JSON.parse(json) as ComposeConfig;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The process environment without any variable the compose file interpolates. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR']) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return env;
}

/** The container paths a service mounts. */
export function mountTargets(service: ComposeService): string[] {
  return (service.volumes ?? []).map((volume) =>
    typeof volume === 'string' ? (volume.split(':')[1] ?? volume) : volume.target,
  );
}

/** The mount sources of a service (named volumes or host paths). */
export function mountSources(service: ComposeService): string[] {
  return (service.volumes ?? []).map((volume) =>
    typeof volume === 'string' ? (volume.split(':')[0] ?? '') : (volume.source ?? ''),
  );
}
