/** What kind of manifest a file name is, or undefined when it is none. */
export function manifestKind(name: string): string | undefined {
  if (/^requirements([-_.][\w.-]*)?\.(txt|in)$/i.test(name)) return 'requirements';
  if (/^(\.env\.(example|sample|template|dist|defaults?)|env\.example)$/i.test(name))
    return 'env-example';
  if (name === '.env' || name.startsWith('.env.')) return 'env';
  if (/^(Dockerfile|Containerfile)(\..+)?$|\.Dockerfile$/i.test(name)) return 'dockerfile';
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/i.test(name)) return 'compose';
  return MANIFESTS[name];
}

const MANIFESTS: Record<string, string> = {
  'pyproject.toml': 'pyproject',
  'setup.py': 'setup.py',
  'setup.cfg': 'setup.cfg',
  Pipfile: 'pipfile',
  'package.json': 'package.json',
  'package-lock.json': 'lockfile',
  'npm-shrinkwrap.json': 'lockfile',
  'yarn.lock': 'lockfile',
  'pnpm-lock.yaml': 'lockfile',
  'bun.lockb': 'lockfile',
  'poetry.lock': 'lockfile',
  'uv.lock': 'lockfile',
  'Pipfile.lock': 'lockfile',
  'pytest.ini': 'pytest.ini',
  'tox.ini': 'tox.ini',
  Makefile: 'makefile',
  'tsconfig.json': 'tsconfig',
  'go.mod': 'go.mod',
  'Cargo.toml': 'cargo',
  Procfile: 'procfile',
};

/** Kinds whose text the survey never shows: lockfiles are long, `.env` files hold secrets. */
export const HEADLESS_KINDS: ReadonlySet<string> = new Set(['lockfile', 'env']);

/** Languages by file extension. */
export const LANGUAGES: Readonly<Record<string, string>> = {
  py: 'Python',
  js: 'JavaScript',
  mjs: 'JavaScript',
  cjs: 'JavaScript',
  jsx: 'JavaScript',
  ts: 'TypeScript',
  tsx: 'TypeScript',
  go: 'Go',
  rs: 'Rust',
  java: 'Java',
  kt: 'Kotlin',
  rb: 'Ruby',
  php: 'PHP',
  c: 'C',
  h: 'C',
  cpp: 'C++',
  cc: 'C++',
  cs: 'C#',
  sh: 'Shell',
  html: 'HTML',
  css: 'CSS',
  vue: 'Vue',
  svelte: 'Svelte',
};
