import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CodegodError } from '@codegod/protocol';
import { z } from 'zod';
import { fleetApps } from '../fleet-apps.js';
import { AGENT_SERVICES, DOCKER_ONLY_SERVICES } from '../fleet-services.js';
import { carriedSettings, FLEET_SETTINGS } from '../fleet-settings.js';
import { FleetState } from '../fleet-state.js';
import { LocalRedis, pings } from '../local-redis.js';
import {
  findFreePort,
  isAlive,
  portInUse,
  randomSecret,
  runAttached,
  runProcess,
  waitForExit,
} from '../run-process.js';
import type { FleetContext, FleetRuntime, LogsRequest } from './fleet-runtime.js';

/** One line of `pm2 jlist`, the fields codegod reads. */
const pm2ProcessSchema = z.looseObject({
  name: z.string(),
  pid: z.number().nullish(),
  pm2_env: z
    .looseObject({
      namespace: z.string().nullish(),
      status: z.string().nullish(),
      restart_time: z.number().nullish(),
      pm_uptime: z.number().nullish(),
    })
    .nullish(),
  monit: z.looseObject({ memory: z.number().nullish() }).nullish(),
});
type Pm2Process = z.infer<typeof pm2ProcessSchema>;

/** The service entries `up` needs built (relative to the root unless overridden). */
const BUILT_ENTRIES = ['packages/cli/dist/bin.js'];

/**
 * The fleet as local processes under pm2 (its own PM2_HOME in the state dir), with a local
 * redis-server (AOF on) unless REDIS_URL names one. For machines without a Docker engine.
 */
export class Pm2Runtime implements FleetRuntime {
  readonly kind = 'local' as const;
  private readonly state: FleetState;
  private readonly redis: LocalRedis;
  private readonly pm2Home: string;
  private readonly pm2Bin: string;

  constructor(private readonly context: FleetContext) {
    this.state = new FleetState(context.stateDir);
    this.redis = new LocalRedis(context.stateDir);
    this.pm2Home = join(context.stateDir, 'pm2');
    this.pm2Bin =
      FLEET_SETTINGS.resolve({}, context.environment).pm2 ??
      join(context.root, 'node_modules/.bin/pm2');
  }

  async up(): Promise<void> {
    if (!existsSync(this.pm2Bin)) {
      throw new CodegodError('fleet-failed', `pm2 is missing (${this.pm2Bin}); run 'npm ci' first`);
    }
    this.ensureBuilt();
    mkdirSync(join(this.context.stateDir, 'logs'), { recursive: true });
    const environment = this.context.environment;
    const alreadyUp = this.isUp();
    const settings = carriedSettings(environment);
    settings.CODEGOD_RUNTIME = 'local';
    // Recorded: down stops the redis-server only when up started it.
    if (alreadyUp) {
      if (settings.CODEGOD_LOCAL_REDIS === '1') settings.REDIS_URL = await this.redis.start();
    } else if (environment.REDIS_URL) {
      if (!(await pings(environment.REDIS_URL))) {
        throw new CodegodError(
          'fleet-failed',
          'REDIS_URL does not answer PING; start that Redis, or unset REDIS_URL to let the fleet run its own',
        );
      }
      settings.CODEGOD_LOCAL_REDIS = '0';
    } else {
      settings.REDIS_URL = await this.redis.start(
        FLEET_SETTINGS.resolve({}, environment).redisPort,
      );
      settings.CODEGOD_LOCAL_REDIS = '1';
    }
    if (!alreadyUp) {
      if (!settings.BULL_BOARD_PORT) {
        settings.BULL_BOARD_PORT = (await portInUse(3000)) ? String(await findFreePort()) : '3000';
      }
      settings.WORKSPACE_ROOT = resolve(
        settings.WORKSPACE_ROOT || join(this.context.stateDir, 'workspace'),
      );
      mkdirSync(settings.WORKSPACE_ROOT, { recursive: true });
      this.state.writeReplicas({});
      await this.setUpRedisCommander(settings);
    }
    this.state.writeEnv(settings);
    this.startMissing(settings);
    const shownUrl = (settings.REDIS_URL ?? '').replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/, '$1***@');
    this.context.say(`fleet is up (local runtime, pm2; state in ${this.context.stateDir})`);
    this.context.say(
      `  Redis: ${shownUrl}   Bull Board: http://127.0.0.1:${settings.BULL_BOARD_PORT}/queues   Dashboard: http://127.0.0.1:${settings.BULL_BOARD_PORT}/dashboard/`,
    );
    if (settings.REDIS_COMMANDER_PORT && settings.REDIS_COMMANDER_PORT !== '0') {
      this.context.say(
        `  Redis Commander: http://127.0.0.1:${settings.REDIS_COMMANDER_PORT} (login: ${settings.REDIS_COMMANDER_USER} / REDIS_COMMANDER_PASSWORD in ${this.state.envFile})`,
      );
    }
    this.context.say(`  Use it from this shell: set -a; . ${this.state.envFile}; set +a`);
  }

  /**
   * Redis Commander (the npm package) on 127.0.0.1:8081, or a free port when that is taken, as
   * the compose stack serves it; a login of its own (REDIS_COMMANDER_USER, default admin, and
   * REDIS_COMMANDER_PASSWORD, random unless given). REDIS_COMMANDER_PORT=0 leaves it out.
   */
  private async setUpRedisCommander(settings: Record<string, string>): Promise<void> {
    if (settings.REDIS_COMMANDER_PORT === '0') return;
    const script = join(this.context.root, 'node_modules/redis-commander/bin/redis-commander.js');
    if (!existsSync(script)) {
      this.context.say(
        "Redis Commander is not installed (run 'npm ci'); the fleet runs without it",
      );
      delete settings.REDIS_COMMANDER_PORT;
      return;
    }
    if (!settings.REDIS_COMMANDER_PORT) {
      settings.REDIS_COMMANDER_PORT = (await portInUse(8081))
        ? String(await findFreePort())
        : '8081';
    }
    settings.REDIS_COMMANDER_USER ||= 'admin';
    // .env.example's placeholder is no password: replace it as an unset one.
    if (!settings.REDIS_COMMANDER_PASSWORD || settings.REDIS_COMMANDER_PASSWORD === 'change-me')
      settings.REDIS_COMMANDER_PASSWORD = randomSecret();
  }

  async down(): Promise<void> {
    let pids: number[] = [];
    if (this.daemonRunning()) {
      pids = this.apps()
        .map((app) => app.pid ?? 0)
        .filter((pid) => pid > 0);
      this.pm2(['kill']);
    }
    for (const pid of pids) {
      if (!(await waitForExit(pid, 20_000)) && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await this.redis.stop();
    this.state.removeEnv();
    this.context.say(
      `fleet is down (local runtime); data and logs stay in ${this.context.stateDir}`,
    );
  }

  async logs(request: LogsRequest): Promise<number> {
    const { service } = request;
    if (service && DOCKER_ONLY_SERVICES.includes(service)) {
      throw new CodegodError(
        'fleet-failed',
        `${service} does not run in the local runtime (redis-cli and VLLM_API_URL stand in for it)`,
      );
    }
    const logDir = join(this.context.stateDir, 'logs');
    const names = existsSync(logDir) ? readdirSync(logDir).sort() : [];
    const matches = (name: string): boolean => {
      if (!name.endsWith('.log')) return false;
      if (!service) return true;
      if (service === 'redis') return name === 'redis.log';
      if (AGENT_SERVICES.includes(service)) return new RegExp(`^${service}-\\d+\\.`).test(name);
      return name.startsWith(`${service}.`);
    };
    const existing = names.filter(matches).map((name) => join(logDir, name));
    if (existing.length === 0) {
      throw new CodegodError('fleet-failed', `no logs for ${service ?? 'the fleet'} in ${logDir}`);
    }
    // Empty files (most .err.log) would only add headers; following still watches them all.
    const nonEmpty = existing.filter((file) => statSync(file).size > 0);
    const files = request.follow ? existing : nonEmpty.length > 0 ? nonEmpty : existing;
    const args = ['-n', String(request.lines), ...(request.follow ? ['-F'] : []), '--', ...files];
    return runAttached('tail', args);
  }

  async scale(service: string, count: number): Promise<void> {
    this.requireUp();
    const replicas = this.state.readReplicas();
    replicas[service] = count;
    this.state.writeReplicas(replicas);
    this.startMissing(this.recordedSettings());
    const extra = this.apps()
      .map((app) => app.name)
      .filter((name) => {
        const match = new RegExp(`^${service}-(\\d+)$`).exec(name);
        return match !== null && Number(match[1]) > count;
      });
    for (const name of extra) this.pm2(['delete', name]);
    if (extra.length > 0) this.context.say(`stopped ${extra.join(' ')}`);
    this.context.say(`${service} runs ${count} replica(s)`);
  }

  async restart(service?: string): Promise<void> {
    this.requireUp();
    const settings = this.recordedSettings();
    if (service === 'redis') {
      if (settings.CODEGOD_LOCAL_REDIS !== '1') {
        throw new CodegodError(
          'fleet-failed',
          'the fleet uses an outside Redis (REDIS_URL); restart it yourself',
        );
      }
      await this.redis.stop();
      await this.redis.start();
    } else if (service && DOCKER_ONLY_SERVICES.includes(service)) {
      throw new CodegodError('fleet-failed', `${service} does not run in the local runtime`);
    } else {
      // Processes keep the environment they were started with: the settings recorded at up.
      this.pm2(['restart', service ?? 'all']);
    }
    this.context.say(`restarted ${service ?? 'every service'}`);
  }

  async printProcesses(): Promise<void> {
    this.requireUp();
    const say = this.context.say;
    say(`Runtime: local (pm2, state in ${this.context.stateDir})`);
    say('Processes:');
    const apps = this.apps();
    if (apps.length === 0) say('  (no processes)');
    else
      say(
        `  ${'name'.padEnd(22)}${'status'.padEnd(10)}${'pid'.padEnd(9)}${'restarts'.padEnd(10)}${'uptime'.padEnd(9)}memory`,
      );
    for (const app of apps) {
      const status = app.pm2_env?.status ?? 'unknown';
      const uptime =
        status === 'online' && app.pm2_env?.pm_uptime
          ? `${Math.round((Date.now() - app.pm2_env.pm_uptime) / 1000)}s`
          : '-';
      const memory = app.monit?.memory ? `${Math.round(app.monit.memory / 1048576)}MB` : '-';
      say(
        `  ${app.name.padEnd(22)}${status.padEnd(10)}${String(app.pid ?? 0).padEnd(9)}${String(app.pm2_env?.restart_time ?? 0).padEnd(10)}${uptime.padEnd(9)}${memory}`,
      );
    }
  }

  async runCodegod(args: readonly string[]): Promise<number> {
    this.requireUp();
    const environment = { ...process.env, REDIS_URL: this.recordedSettings().REDIS_URL };
    return runAttached(
      process.execPath,
      [join(this.context.root, 'packages/cli/dist/bin.js'), ...args],
      environment,
    );
  }

  private isUp(): boolean {
    return this.state.readEnv() !== undefined && this.daemonRunning();
  }

  private requireUp(): void {
    if (!this.isUp()) {
      throw new CodegodError(
        'fleet-not-up',
        `the fleet is not up (local runtime, state dir ${this.context.stateDir}); run ./start-agents.sh up`,
      );
    }
  }

  private recordedSettings(): Record<string, string> {
    return this.state.readEnv() ?? {};
  }

  /** True when this state dir's pm2 daemon runs (any pm2 command would start one). */
  private daemonRunning(): boolean {
    try {
      return isAlive(Number(readFileSync(join(this.pm2Home, 'pm2.pid'), 'utf8')));
    } catch {
      return false;
    }
  }

  private pm2(args: readonly string[]): string {
    const result = runProcess(this.pm2Bin, args, {
      env: { ...process.env, PM2_HOME: this.pm2Home, PM2_KILL_SIGNAL: 'SIGTERM' },
      cwd: this.context.root,
    });
    if (result.status !== 0) {
      throw new CodegodError(
        'fleet-failed',
        `pm2 ${args[0]} failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`,
      );
    }
    return result.stdout;
  }

  private apps(): Pm2Process[] {
    if (!this.daemonRunning()) return [];
    const output = this.pm2(['jlist']);
    // pm2 may print a notice before the JSON; the list starts at the first '['.
    const start = output.indexOf('[');
    if (start === -1) return [];
    const parsed = z.array(pm2ProcessSchema).safeParse(JSON.parse(output.slice(start)));
    return parsed.success ? parsed.data : [];
  }

  private writeEcosystem(settings: Record<string, string>): string {
    const file = join(this.context.stateDir, 'pm2-ecosystem.json');
    const apps = fleetApps({
      root: this.context.root,
      stateDir: this.context.stateDir,
      settings,
      replicas: this.state.readReplicas(),
    });
    writeFileSync(file, `${JSON.stringify({ apps }, null, 2)}\n`, { mode: 0o600 });
    return file;
  }

  /** Starts the apps of the ecosystem that are not running yet. */
  private startMissing(settings: Record<string, string>): void {
    const file = this.writeEcosystem(settings);
    const wanted = fleetApps({
      root: this.context.root,
      stateDir: this.context.stateDir,
      settings,
      replicas: this.state.readReplicas(),
    }).map((app) => app.name);
    const running = new Set(this.apps().map((app) => app.name));
    const missing = wanted.filter((name) => !running.has(name));
    if (missing.length === 0) return;
    this.pm2(['start', file, '--only', missing.join(',')]);
    this.context.say(`started ${missing.join(' ')}`);
  }

  /** Builds once when a service entry or the CLI is missing. */
  private ensureBuilt(): void {
    const settings = this.context.environment;
    const entries = [
      settings.CODEGOD_MASTER_ENTRY || 'services/master-orchestrator/dist/main.js',
      settings.CODEGOD_WORKER_ENTRY || 'services/agent-worker/dist/main.js',
      ...BUILT_ENTRIES,
    ];
    const missing = entries.filter((entry) => !existsSync(resolve(this.context.root, entry)));
    if (missing.length === 0) return;
    this.context.say(`${missing.join(' ')} missing: building first with 'npm run build'`);
    const build = runProcess('npm', ['run', 'build'], { cwd: this.context.root, inherit: true });
    const still = missing.filter((entry) => !existsSync(resolve(this.context.root, entry)));
    if (build.status !== 0 || still.length > 0) {
      throw new CodegodError(
        'fleet-failed',
        `'npm run build' did not produce ${still.join(' ') || 'the services'}; see its output above`,
      );
    }
  }
}
