import { canonicalName, parseRequirements } from '../roles/backend/python-requirements.js';
import { LANGUAGES } from './manifest-kind.js';

/** What the survey tells about the project's stack. */
export interface DetectedStack {
  languages: string[];
  frameworks: string[];
  package_managers: string[];
  test_commands: string[];
}

/** What stack detection reads: the walked files and the text of the manifests that matter. */
export interface StackInput {
  files: readonly string[];
  /** Full text (capped) of manifests by path. */
  texts: ReadonlyMap<string, string>;
  venvs: readonly string[];
}

const PYTHON_FRAMEWORKS = ['flask', 'django', 'fastapi', 'starlette', 'tornado', 'pyramid'];
const NODE_FRAMEWORKS = [
  'react',
  'vue',
  'svelte',
  'next',
  'nuxt',
  'express',
  'fastify',
  'koa',
  'vite',
  '@angular/core',
];
const MAX_LANGUAGES = 6;

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Python distributions named by the requirements files and pyproject. */
function pythonPackages(texts: ReadonlyMap<string, string>): Set<string> {
  const names = new Set<string>();
  for (const [path, text] of texts) {
    const name = baseName(path);
    if (/^requirements/i.test(name)) {
      for (const r of parseRequirements(text)) names.add(canonicalName(r.name));
    } else if (name === 'pyproject.toml' || name === 'Pipfile') {
      for (const match of text.matchAll(/^\s*"?([A-Za-z0-9][A-Za-z0-9._-]*)/gm)) {
        names.add(canonicalName(match[1]!));
      }
    }
  }
  return names;
}

/** Node packages and scripts of the top-most package.json. */
function nodePackage(texts: ReadonlyMap<string, string>) {
  const path = [...texts.keys()]
    .filter((p) => baseName(p) === 'package.json')
    .sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1))[0];
  if (!path) return undefined;
  try {
    const pkg = JSON.parse(texts.get(path)!) as Record<string, unknown>;
    const record = (value: unknown) =>
      value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    return {
      folder: path.slice(0, -'package.json'.length),
      dependencies: new Set(
        Object.keys({ ...record(pkg.dependencies), ...record(pkg.devDependencies) }),
      ),
      scripts: record(pkg.scripts),
    };
  } catch {
    return undefined;
  }
}

/** Languages, frameworks, package managers and test commands, each sorted or ranked. */
export function detectStack({ files, texts, venvs }: StackInput): DetectedStack {
  const counts = new Map<string, number>();
  for (const file of files) {
    const language = LANGUAGES[file.slice(file.lastIndexOf('.') + 1).toLowerCase()];
    if (language && file.includes('.')) counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  const languages = [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_LANGUAGES)
    .map(([language, count]) => `${language} (${count} file${count === 1 ? '' : 's'})`);

  const names = new Set(files.map(baseName));
  const python = pythonPackages(texts);
  const node = nodePackage(texts);
  const frameworks = [
    ...PYTHON_FRAMEWORKS.filter((f) => python.has(f)),
    ...NODE_FRAMEWORKS.filter((f) => node?.dependencies.has(f)),
  ];

  const managers = new Set<string>();
  if ([...names].some((n) => /^requirements/i.test(n))) managers.add('pip');
  if (names.has('poetry.lock') || [...texts.values()].some((t) => t.includes('[tool.poetry]')))
    managers.add('poetry');
  if (names.has('uv.lock')) managers.add('uv');
  if (names.has('Pipfile')) managers.add('pipenv');
  if (names.has('yarn.lock')) managers.add('yarn');
  if (names.has('pnpm-lock.yaml')) managers.add('pnpm');
  if (
    names.has('package-lock.json') ||
    (node && !names.has('yarn.lock') && !names.has('pnpm-lock.yaml'))
  )
    managers.add('npm');

  const tests: string[] = [];
  const pythonTests =
    python.has('pytest') ||
    names.has('pytest.ini') ||
    files.some((f) => /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(f));
  if (pythonTests) {
    const interpreter = venvs[0] ? `${venvs[0]}bin/python` : 'python3';
    tests.push(`${interpreter} -m pytest`);
  }
  const testScript = node?.scripts.test;
  if (typeof testScript === 'string' && !testScript.includes('no test specified')) {
    tests.push(node!.folder ? `npm test (in ${node!.folder})` : 'npm test');
  }
  if (/^test:/m.test(texts.get('Makefile') ?? '')) tests.push('make test');
  return { languages, frameworks, package_managers: [...managers].sort(), test_commands: tests };
}
