import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CodegodError } from '@codegod/protocol';
import { Command } from 'commander';

/** Small projects to try codegod on, by name: file path to content. */
const EXAMPLES: Record<string, { about: string; files: Record<string, string> }> = {
  'flask-not-found': {
    about: 'the seed\'s "Flask not found": a Flask app whose dependency is not installed',
    files: {
      'app.py': `from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"


if __name__ == "__main__":
    print(hello())
`,
      'requirements.txt': 'flask==3.0.0\n',
    },
  },
};

/** `codegod example NAME DIR`: writes a small project to try `codegod build` on. */
export function exampleCommand(): Command {
  const names = Object.keys(EXAMPLES);
  return new Command('example')
    .description(
      `write an example project into a folder, to try codegod build on (${names.join(', ')})`,
    )
    .argument(
      '<name>',
      `the example: ${names.map((n) => `${n} (${EXAMPLES[n]!.about})`).join('; ')}`,
    )
    .argument('<dir>', 'the folder to write it to (created; must be empty if it exists)')
    .action(async (name: string, dir: string) => {
      const example = EXAMPLES[name];
      if (!example) {
        throw new CodegodError(
          'usage',
          `No example ${JSON.stringify(name)}; the examples are: ${names.join(', ')}.`,
        );
      }
      const target = resolve(dir);
      const existing = await readdir(target).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw new CodegodError('usage', `${target}: ${error.message}`);
      });
      if (existing.length > 0) {
        throw new CodegodError('usage', `${target} is not empty; name a new or empty folder.`);
      }
      await mkdir(target, { recursive: true });
      for (const [path, content] of Object.entries(example.files)) {
        await writeFile(join(target, path), content, { flag: 'wx' });
      }
      process.stdout.write(`wrote ${name} to ${target}\n`);
    });
}
