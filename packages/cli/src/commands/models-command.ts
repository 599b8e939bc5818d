import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CodegodError } from '@codegod/protocol';
import { Command } from 'commander';
import { modelsDir } from '../cli-settings.js';
import { downloadModel } from '../models/download-model.js';
import { MODEL_CATALOGUE } from '../models/model-catalogue.js';
import { pulledModels } from '../models/models-dir.js';
import { megabytes, progressBar } from '../models/progress-bar.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Options of `codegod models pull`. */
interface PullOptions {
  url?: string;
  sha256?: string;
}

/** `codegod models pull NAME` and `codegod models list`: GGUF files for the embedded engine. */
export function modelsCommand(): Command {
  const models = new Command('models').description(
    `GGUF models for the embedded engine, kept in $CODEGOD_MODELS_DIR (default ~/.codegod/models)`,
  );
  models
    .command('pull')
    .description(
      'download a recommended model (see `codegod models list`), with resume and a checksum',
    )
    .argument(
      '<name>',
      `a recommended model (${Object.keys(MODEL_CATALOGUE).join(', ')}), or any name with --url`,
    )
    .option('--url <url>', 'download this GGUF instead of a recommended one; saved as NAME.gguf')
    .option('--sha256 <hex>', 'the SHA-256 the file must have')
    .action(async (name: string, options: PullOptions) => {
      if (options.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(options.sha256))
        throw new CodegodError('usage', '--sha256 must be 64 hexadecimal digits');
      const known = MODEL_CATALOGUE[name];
      if (!options.url && !known)
        throw new CodegodError(
          'usage',
          `unknown model "${name}"; recommended: ${Object.keys(MODEL_CATALOGUE).join(', ')} (or give --url)`,
        );
      if (options.url && !NAME.test(name))
        throw new CodegodError(
          'usage',
          'NAME must be letters, digits, dots, dashes or underscores',
        );
      if (options.url && !/^https?:\/\//.test(options.url))
        throw new CodegodError('usage', '--url must start with http:// or https://');
      const dir = modelsDir();
      await mkdir(dir, { recursive: true });
      const file = options.url ? `${name.replace(/\.gguf$/i, '')}.gguf` : (known?.file as string);
      const bar = progressBar(process.stderr, `pulling ${file}`);
      const sha256 = options.sha256 ?? known?.sha256;
      const result = await downloadModel({
        url: options.url ?? (known?.url as string),
        destination: join(dir, file),
        ...(sha256 ? { sha256 } : {}),
        onProgress: (received, total) => bar.update(received, total),
      }).finally(() => bar.end());
      if (result.resumedFrom > 0)
        process.stderr.write(`codegod: resumed after ${megabytes(result.resumedFrom)}\n`);
      if (result.checkedAgainst === 'none')
        process.stderr.write(
          `codegod: warning: no checksum was published to check against; its sha256 is ${result.sha256}\n`,
        );
      process.stdout.write(
        `${result.path} (${megabytes(result.bytes)}, sha256 ${result.sha256})\n`,
      );
    });
  models
    .command('list')
    .description('show the pulled models and the recommended ones')
    .action(async () => {
      const dir = modelsDir();
      const pulled = await pulledModels(dir);
      process.stdout.write(`pulled, in ${dir} (the newest is the default of \`codegod build\`):\n`);
      if (pulled.length === 0) process.stdout.write('  none yet\n');
      for (const model of pulled)
        process.stdout.write(`  ${model.file.padEnd(44)} ${megabytes(model.bytes)}\n`);
      process.stdout.write('recommended (codegod models pull NAME):\n');
      for (const [name, model] of Object.entries(MODEL_CATALOGUE)) {
        const have = pulled.some((p) => p.file === model.file) ? ' [pulled]' : '';
        process.stdout.write(`  ${name.padEnd(20)} ${model.about}${have}\n`);
      }
    });
  for (const command of models.commands) command.exitOverride().showHelpAfterError();
  return models;
}
