import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildWheel } from './build-wheel.js';

/** A Python app that fails with "No module named 'flask'". */
export interface FlaskAppFixture {
  /** The workspace: app.py, requirements.txt (flask==3.0.0) and venv/ without flask. */
  workspace: string;
  /** Folder holding the locally built flask-3.0.0 wheel; pass it as PIP_FIND_LINKS. */
  wheelDir: string;
  /** Environment that points pip at `wheelDir` only (PIP_NO_INDEX=1, PIP_FIND_LINKS). */
  pipEnv: Record<string, string>;
}

const FLASK_MODULE = `"""A stand-in for Flask, built by the test so pip can install it offline."""
__version__ = "3.0.0"


class Flask:
    def __init__(self, name):
        self.name = name
        self.routes = {}

    def route(self, path):
        def register(view):
            self.routes[path] = view
            return view
        return register
`;

const APP = `from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"


if __name__ == "__main__":
    print(hello())
`;

/**
 * Makes the seed's "Flask not found" project in `dir/workspace`: requirements.txt lists
 * flask==3.0.0, a real venv exists (with pip) but flask is not in it. The wheel is built
 * locally in `dir/wheels`, outside the workspace. Takes a few seconds (python3 -m venv).
 */
export async function makeFlaskAppFixture(dir: string): Promise<FlaskAppFixture> {
  const workspace = join(dir, 'workspace');
  const wheelDir = join(dir, 'wheels');
  await mkdir(workspace, { recursive: true });
  await buildWheel(wheelDir, {
    name: 'flask',
    version: '3.0.0',
    files: { 'flask/__init__.py': FLASK_MODULE },
  });
  await writeFile(join(workspace, 'app.py'), APP);
  await writeFile(join(workspace, 'requirements.txt'), 'flask==3.0.0\n');
  await execa('python3', ['-m', 'venv', 'venv'], { cwd: workspace });
  return { workspace, wheelDir, pipEnv: { PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheelDir } };
}
