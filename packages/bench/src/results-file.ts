import { appendFile, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CodegodError } from '@codegod/protocol';
import { type BenchResult, benchResultSchema } from './bench-result.js';

/**
 * The results JSONL. Each finished instance is one `appendFile` of one whole line, so a run
 * stopped at any moment (Ctrl-C, a crash) leaves complete lines only, plus at worst a torn last
 * line that `load` cuts off before anything is appended again.
 */
export class ResultsFile {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * The results already in the file (none when it does not exist). A torn last line (no
   * newline, not a valid result) is truncated away; a bad line elsewhere is an error.
   */
  async load(): Promise<BenchResult[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const results: BenchResult[] = [];
    const lines = text.split('\n');
    let offset = 0;
    for (const [index, line] of lines.entries()) {
      const isLast = index === lines.length - 1;
      if (line.trim() !== '') {
        const result = parseLine(line);
        if (result) results.push(result);
        else if (isLast) {
          await truncate(this.path, Buffer.byteLength(text.slice(0, offset)));
          break;
        } else {
          throw new CodegodError(
            'usage',
            `--resume: ${this.path} line ${index + 1} is not a bench result; use another --out or delete it`,
          );
        }
      }
      offset += line.length + 1;
    }
    return results;
  }

  /** Starts the file empty. */
  async reset(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await writeFile(this.path, '');
  }

  /** Appends one result as one line. */
  async append(result: BenchResult): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(benchResultSchema.parse(result))}\n`);
  }
}

function parseLine(line: string): BenchResult | undefined {
  try {
    const parsed = benchResultSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
