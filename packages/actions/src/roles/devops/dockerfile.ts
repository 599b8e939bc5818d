import { z } from 'zod';

/** One instruction of a Dockerfile, e.g. `{ keyword: 'COPY', args: 'app.py /app/' }`. */
export interface DockerfileInstruction {
  keyword: string;
  args: string;
  line: number;
}

/** Splits a Dockerfile into instructions, joining `\` continuations and dropping comments. */
export function parseDockerfile(text: string): DockerfileInstruction[] {
  const instructions: DockerfileInstruction[] = [];
  let pending = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') start = index + 1;
    pending += `${line.endsWith('\\') ? line.slice(0, -1) : line} `;
    if (line.endsWith('\\')) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending.trim());
    if (match)
      instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!, line: start });
    pending = '';
  });
  return instructions;
}

/** The words of an exec-form (JSON array) instruction; none when it is not valid JSON. */
function execForm(args: string): string[] {
  try {
    const parsed = z.array(z.string()).safeParse(JSON.parse(args));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Local sources of COPY/ADD instructions (skipping `--from=` stages, URLs and globs). */
export function copySources(instructions: readonly DockerfileInstruction[]): string[] {
  const sources: string[] = [];
  for (const { keyword, args } of instructions) {
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    const words = args.startsWith('[') ? execForm(args) : args.split(/\s+/);
    if (words.some((word) => word.startsWith('--from='))) continue;
    const paths = words.filter((word) => !word.startsWith('--')).slice(0, -1);
    sources.push(...paths.filter((path) => !/^[a-z]+:\/\//.test(path) && !/[*?[]/.test(path)));
  }
  return sources;
}

/** Problems that would stop `docker build`: no FROM first, missing COPY sources. */
export async function dockerfileProblems(
  text: string,
  exists: (path: string) => Promise<boolean>,
): Promise<string[]> {
  const instructions = parseDockerfile(text);
  const problems: string[] = [];
  const first = instructions.find((instruction) => instruction.keyword !== 'ARG');
  if (first?.keyword !== 'FROM') problems.push('the first instruction (after ARG) must be FROM');
  for (const source of copySources(instructions)) {
    const present = await exists(source).catch(() => false);
    if (!present) problems.push(`COPY/ADD source ${source} is not in the build context`);
  }
  return problems;
}
