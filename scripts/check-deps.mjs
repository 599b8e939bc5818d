#!/usr/bin/env node
// Checks that workspace dependencies point one way (shared/DESIGN.md, "Packages"):
// no cycles between packages, protocol at the bottom, nothing imports a service,
// the layer rules below hold, every @codegod import is declared, and every declared one has a
// tsconfig reference.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/**
 * Workspaces a package must not depend on, at runtime or in its tests (devDependencies count):
 * the master's logic reaches agents and actions only through its ports, which the fleet wires;
 * the fleet wires everything but sits below the command and the service entries.
 */
const FORBIDDEN = {
  '@codegod/orchestrator': {
    deps: ['@codegod/agents', '@codegod/actions'],
    why: "the master's logic sees agents and actions only through its ports; @codegod/fleet wires them",
  },
  '@codegod/fleet': {
    deps: ['@codegod/cli'],
    why: 'the fleet is the wiring below the codegod command, not above it',
  },
};
const workspaces = ['packages', 'services'].flatMap((group) =>
  readdirSync(join(root, group)).map((name) => join(root, group, name)),
);
const problems = [];
const byName = new Map();
for (const dir of workspaces) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const deps = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((d) =>
    d.startsWith('@codegod/'),
  );
  const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
  const refs = (tsconfig.references ?? []).map((r) => resolve(dir, r.path));
  byName.set(manifest.name, {
    dir,
    deps,
    runtimeDeps: Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@codegod/')),
    refs,
    isService: dir.includes(`${join(root, 'services')}`),
  });
}

const walk = (dir) =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
  });

for (const [name, ws] of byName) {
  for (const dep of ws.deps) {
    const target = byName.get(dep);
    if (!target) problems.push(`${name} depends on unknown workspace ${dep}`);
    else if (target.isService)
      problems.push(`${name} depends on the service ${dep}; services are leaves`);
    else if (!ws.refs.includes(target.dir))
      problems.push(
        `${name} depends on ${dep} but its tsconfig.json has no reference to ${relative(ws.dir, target.dir)}`,
      );
  }
  for (const dep of FORBIDDEN[name]?.deps ?? []) {
    if (ws.deps.includes(dep))
      problems.push(`${name} must not depend on ${dep}: ${FORBIDDEN[name].why}`);
  }
  if (name === '@codegod/protocol' && ws.deps.length > 0)
    problems.push('protocol must not depend on other workspaces');
  const imported = new Set();
  for (const file of walk(join(ws.dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    // Static imports, and dynamic ones: a command that imports a package only when it runs
    // still depends on it.
    for (const match of text.matchAll(/(?:from\s+|import\(\s*)['"](@codegod\/[a-z-]+)/g)) {
      imported.add(match[1]);
      if (match[1] !== name && !ws.deps.includes(match[1]))
        problems.push(
          `${relative(root, file)} imports ${match[1]}, which ${name} does not declare`,
        );
    }
  }
  // A declared runtime dependency that no source file imports is dead weight in the graph.
  for (const dep of ws.runtimeDeps) {
    if (!imported.has(dep))
      problems.push(`${name} declares ${dep} but nothing in its src/ imports it`);
  }
}

// Cycle check over declared workspace dependencies.
const state = new Map();
const visit = (name, path) => {
  if (state.get(name) === 'done') return;
  if (state.get(name) === 'open') {
    problems.push(`dependency cycle: ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`);
    return;
  }
  state.set(name, 'open');
  for (const dep of byName.get(name)?.deps ?? []) visit(dep, [...path, name]);
  state.set(name, 'done');
};
for (const name of byName.keys()) visit(name, []);

if (problems.length > 0) {
  for (const p of problems) console.error(`check-deps: ${p}`);
  process.exit(1);
}
console.log(`check-deps: ${byName.size} workspaces, dependencies point one way`);
