import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Settings for `makeNodeMainFixture`. */
export interface NodeMainFixtureOptions {
  /**
   * A registry dependency to use instead of the local one, e.g. `{ name: 'is-number',
   * range: '^7.0.0' }`; then repairing needs the npm registry. Default: a local `file:` package,
   * so npm installs it offline.
   */
  registryDependency?: { name: string; range: string };
}

/** A Node app whose main points at a missing file and whose dependencies are not installed. */
export interface NodeMainFixture {
  /** The workspace: package.json (main: index.js), src/index.js, no node_modules. */
  workspace: string;
  /** Where main should point: `src/index.js`. */
  realMain: string;
  /** The dependency src/index.js requires. */
  dependency: string;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Makes the broken Node project in `dir/workspace`. Writes files only; runs nothing. */
export async function makeNodeMainFixture(
  dir: string,
  options: NodeMainFixtureOptions = {},
): Promise<NodeMainFixture> {
  const workspace = join(dir, 'workspace');
  const registry = options.registryDependency;
  const dependency = registry?.name ?? 'greeting';
  await mkdir(join(workspace, 'src'), { recursive: true });
  await mkdir(join(workspace, 'scripts'), { recursive: true });
  await writeFile(
    join(workspace, 'package.json'),
    json({
      name: 'node-main-fixture',
      version: '1.0.0',
      private: true,
      main: 'index.js',
      scripts: { build: 'node scripts/build.js', test: 'node --test' },
      dependencies: { [dependency]: registry?.range ?? 'file:vendor/greeting' },
    }),
  );
  await writeFile(
    join(workspace, 'src', 'index.js'),
    `const dependency = require('${dependency}');\n\nmodule.exports = { dependency };\n`,
  );
  await writeFile(
    join(workspace, 'scripts', 'build.js'),
    "const fs = require('node:fs');\n\nfs.mkdirSync('dist', { recursive: true });\n" +
      "fs.copyFileSync('src/index.js', 'dist/index.js');\nconsole.log('built dist/index.js');\n",
  );
  if (!registry) {
    await mkdir(join(workspace, 'vendor', 'greeting'), { recursive: true });
    await writeFile(
      join(workspace, 'vendor', 'greeting', 'package.json'),
      json({ name: 'greeting', version: '1.0.0', main: 'index.js' }),
    );
    await writeFile(
      join(workspace, 'vendor', 'greeting', 'index.js'),
      "module.exports = (name) => 'hello ' + name;\n",
    );
  }
  return { workspace, realMain: 'src/index.js', dependency };
}
