import { readFile } from 'node:fs/promises';
import { CodegodError } from '@codegod/protocol';
import type { ScriptedRule } from './scripted-rule.js';
import { scriptedRulesFileSchema } from './scripted-rule.js';

/** Reads and checks a rules file (a JSON array of rules); throws a one-line CodegodError. */
export async function loadRulesFile(path: string): Promise<ScriptedRule[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CodegodError(
      'rules-file-invalid',
      `Cannot read rules file ${path}: ${(error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CodegodError(
      'rules-file-invalid',
      `Rules file ${path} is not JSON: ${(error as Error).message}`,
    );
  }
  const parsed = scriptedRulesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
      .join('');
    throw new CodegodError(
      'rules-file-invalid',
      `Rules file ${path} is invalid at ${where || '(root)'}: ${issue.message}. Expected a JSON array of rules (see packages/llm/README.md).`,
    );
  }
  return parsed.data;
}
