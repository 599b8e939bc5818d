import { createRedactor, MIN_SECRET_LENGTH } from '../redaction/redactor.js';

/** Variables passed to commands by exact name. Everything else is dropped on purpose. */
export const PASS_THROUGH_NAMES = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TERM',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'REQUESTS_CA_BUNDLE',
  'DOCKER_HOST',
] as const;

/**
 * Variables passed to commands by prefix: pip (PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX…),
 * Python (PYTHON*), npm (npm_config_*, NPM_CONFIG_*) and locale (LC_*).
 */
export const PASS_THROUGH_PREFIXES = [
  'PIP_',
  'PYTHON',
  'npm_config_',
  'NPM_CONFIG_',
  'LC_',
] as const;

/** Words that mark a variable's value as secret when they appear in its name. */
export const SECRET_NAME_PATTERN = /(KEY|TOKEN|PASSWORD|SECRET|AUTH)/i;

/** The subset of `env` that commands see: the pass-through names and prefixes, plus `extra`. */
export function childEnv(
  env: Readonly<Record<string, string | undefined>>,
  extra: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const passes =
      (PASS_THROUGH_NAMES as readonly string[]).includes(name) ||
      extra.includes(name) ||
      PASS_THROUGH_PREFIXES.some((prefix) => name.startsWith(prefix));
    if (passes) out[name] = value;
  }
  return out;
}

/** The values of `env`'s secret-named variables, long enough to be worth hiding. */
export function envSecretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(
      ([name, value]) =>
        SECRET_NAME_PATTERN.test(name) && (value?.length ?? 0) >= MIN_SECRET_LENGTH,
    )
    .map(([, value]) => value as string);
}

/**
 * A function that hides secrets in text: values of secret-named variables in `env`, and
 * secrets recognisable by shape (`redactSecretShapes`: URL credentials such as
 * `https://user:token@host` → `https://[redacted]@host`, API token formats, private key blocks).
 * Workspace secrets (`.env` files, key files) need `createWorkspaceRedactor`.
 */
export function makeRedactor(
  env: Readonly<Record<string, string | undefined>>,
): (text: string) => string {
  return createRedactor(envSecretValues(env)).redact;
}
