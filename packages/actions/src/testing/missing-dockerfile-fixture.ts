import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A small Flask-style project with no Dockerfile. */
export interface MissingDockerfileFixture {
  /** The workspace: app.py and requirements.txt, no Dockerfile, no .env. */
  workspace: string;
}

/** Makes the project in `dir/workspace`. Writes files only. */
export async function makeMissingDockerfileFixture(dir: string): Promise<MissingDockerfileFixture> {
  const workspace = join(dir, 'workspace');
  await mkdir(workspace, { recursive: true });
  await writeFile(join(workspace, 'requirements.txt'), 'flask==3.0.0\n');
  await writeFile(
    join(workspace, 'app.py'),
    'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef hello():\n    return "hello"\n',
  );
  return { workspace };
}
