import { CodegodError } from './codegod-error.js';

/**
 * A setting has a bad value. Names the option, and the CLI flag and environment variable
 * that set it, so the user knows where to fix it.
 */
export class ConfigError extends CodegodError {
  /** The option name, e.g. `llmBaseUrl`. */
  readonly option: string;
  /** The environment variable that sets it, e.g. `VLLM_API_URL`. */
  readonly envVar: string | undefined;
  /** The CLI flag that sets it, e.g. `--llm-url`. */
  readonly flag: string | undefined;
  /** What is wrong with the value, without the option's name. */
  readonly problem: string;

  constructor(option: string, envVar: string | undefined, problem: string, flag?: string) {
    const sources = [flag && `flag ${flag}`, envVar && `environment variable ${envVar}`]
      .filter(Boolean)
      .join(', ');
    super(
      'config-invalid',
      `Invalid setting ${option}${sources ? ` (${sources})` : ''}: ${problem}`,
    );
    this.option = option;
    this.envVar = envVar;
    this.flag = flag;
    this.problem = problem;
  }
}
