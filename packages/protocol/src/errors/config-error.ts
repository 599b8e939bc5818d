import { CodegodError } from './codegod-error.js';

/** A setting has a bad value. Names the option and the environment variable behind it. */
export class ConfigError extends CodegodError {
  /** The option name, e.g. `redisUrl`. */
  readonly option: string;
  /** The environment variable that sets it, e.g. `REDIS_URL`. */
  readonly envVar: string | undefined;
  /** What is wrong with the value, without the option's name. */
  readonly problem: string;

  constructor(option: string, envVar: string | undefined, problem: string) {
    const source = envVar ? ` (environment variable ${envVar})` : '';
    super('config-invalid', `Invalid setting ${option}${source}: ${problem}`);
    this.option = option;
    this.envVar = envVar;
    this.problem = problem;
  }
}
