import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineSettings, listenerSettingSpecs } from '@codegod/config';
import { CodegodError } from '@codegod/protocol';
import { FleetState } from '../fleet-state.js';
import { randomSecret, runAttached, runProcess } from '../run-process.js';
import type { FleetContext, FleetRuntime, LogsRequest } from './fleet-runtime.js';

const PLACEHOLDER_SECRET = 'change-me';

/** The Bull Board port `up` prints: the board's own setting (BULL_BOARD_PORT, default 3000). */
const BULL_BOARD_PORT = defineSettings({ port: listenerSettingSpecs('BULL_BOARD', 3000).port });
const SECRETS = ['REDIS_PASSWORD', 'REDIS_COMMANDER_PASSWORD', 'BULL_BOARD_PASSWORD'] as const;

/** True when a Docker engine answers `docker info` within 5 s. */
export function dockerEngineAnswers(): boolean {
  return runProcess('docker', ['info'], { timeoutMs: 5000 }).status === 0;
}

/** The fleet as `docker-compose.agents.yml`, through docker-compose or `docker compose`. */
export class DockerComposeRuntime implements FleetRuntime {
  readonly kind = 'docker' as const;
  private readonly composeFile: string;
  private composeCommandFound: [string, string[]] | undefined;

  constructor(private readonly context: FleetContext) {
    this.composeFile = join(context.root, 'docker-compose.agents.yml');
  }

  async up(): Promise<void> {
    this.ensureDotenv();
    await this.compose(['up', '-d', '--build']);
    new FleetState(this.context.stateDir).writeEnv({ CODEGOD_RUNTIME: 'docker' });
    const { port } = BULL_BOARD_PORT.resolve({}, this.context.environment);
    this.context.say(
      `fleet is up (docker). Redis Commander: http://127.0.0.1:8081  Bull Board: http://127.0.0.1:${port}/queues  Dashboard: http://127.0.0.1:${port}/dashboard/ ` +
        '(login: BULL_BOARD_USER / BULL_BOARD_PASSWORD in .env)',
    );
  }

  async down(): Promise<void> {
    await this.compose(['down', '--remove-orphans']);
    new FleetState(this.context.stateDir).removeEnv();
  }

  async logs(request: LogsRequest): Promise<number> {
    const args = ['logs', '--no-color', `--tail=${request.lines}`];
    if (request.follow) args.push('--follow');
    if (request.service) args.push(request.service);
    return this.compose(args, { attached: request.follow });
  }

  async scale(service: string, count: number): Promise<void> {
    await this.compose(['up', '-d', '--no-recreate', '--scale', `${service}=${count}`, service]);
  }

  async restart(service?: string): Promise<void> {
    await this.compose(service ? ['restart', service] : ['restart']);
  }

  async printProcesses(): Promise<void> {
    await this.compose(['ps']);
  }

  runCodegod(args: readonly string[]): Promise<number> {
    return this.compose(
      ['exec', '-T', 'master-orchestrator', 'node', 'packages/cli/dist/bin.js', ...args],
      { check: false },
    );
  }

  /** Runs compose attached to this terminal; a failure is an error unless `check` is false. */
  private async compose(
    args: readonly string[],
    options: { attached?: boolean; check?: boolean } = {},
  ): Promise<number> {
    const [command, prefix] = this.composeCommand();
    const fullArgs = [...prefix, '-f', this.composeFile, ...args];
    const env = this.context.environment as NodeJS.ProcessEnv;
    const status = options.attached
      ? await runAttached(command, fullArgs, env)
      : (runProcess(command, fullArgs, { env, inherit: true, cwd: this.context.root }).status ?? 1);
    if (status !== 0 && options.check !== false) {
      throw new CodegodError('fleet-failed', `${command} ${args[0]} failed with exit ${status}`);
    }
    return status;
  }

  private composeCommand(): [string, string[]] {
    this.composeCommandFound ??= this.findComposeCommand();
    return this.composeCommandFound;
  }

  /** docker-compose (v1, Debian's) when installed, else the `docker compose` plugin. */
  private findComposeCommand(): [string, string[]] {
    if (runProcess('docker-compose', ['version']).status === 0) return ['docker-compose', []];
    if (runProcess('docker', ['compose', 'version']).status === 0) return ['docker', ['compose']];
    throw new CodegodError(
      'fleet-failed',
      "a Docker engine answers but neither docker-compose nor 'docker compose' is installed",
    );
  }

  /**
   * The compose file defaults every secret to a placeholder so that `config` validates without
   * a .env; a real stack gets random ones here, once.
   */
  private ensureDotenv(): void {
    const dotenv = join(this.context.root, '.env');
    if (!existsSync(dotenv)) {
      const example = join(this.context.root, '.env.example');
      if (!existsSync(example)) throw new CodegodError('fleet-failed', '.env.example is missing');
      let text = readFileSync(example, 'utf8');
      for (const name of SECRETS) {
        text = text.replace(new RegExp(`^${name}=.*$`, 'm'), `${name}=${randomSecret()}`);
      }
      writeFileSync(dotenv, text, { mode: 0o600 });
      chmodSync(dotenv, 0o600);
      this.context.say(`created .env from .env.example with random ${SECRETS.join(', ')}`);
    }
    // A .env made before Bull Board asked for a login has no BULL_BOARD_PASSWORD yet.
    if (!/^BULL_BOARD_PASSWORD=/m.test(readFileSync(dotenv, 'utf8'))) {
      appendFileSync(dotenv, `BULL_BOARD_PASSWORD=${randomSecret()}\n`);
      this.context.say(
        "added a random BULL_BOARD_PASSWORD to .env (Bull Board's login, user BULL_BOARD_USER)",
      );
    }
    const text = readFileSync(dotenv, 'utf8');
    for (const name of SECRETS) {
      if (new RegExp(`^${name}=(${PLACEHOLDER_SECRET})?$`, 'm').test(text)) {
        throw new CodegodError(
          'fleet-failed',
          `.env still has the placeholder ${name}; set a real secret there`,
        );
      }
    }
  }
}
