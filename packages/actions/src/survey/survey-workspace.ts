import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type SurveyManifest, type WorkspaceSurvey } from '@codegod/protocol';
import { canonicalName, parseRequirements } from '../roles/backend/python-requirements.js';
import { detectStack } from './detect-stack.js';
import { HEADLESS_KINDS, manifestKind } from './manifest-kind.js';
import { venvDistributions } from './venv-contents.js';
import { walkWorkspace } from './walk-workspace.js';

/** Settings of `surveyWorkspace`; every one bounds time or size. */
export interface SurveyOptions {
  /** Directory entries looked at; the rest of a huge tree is not walked. Default: 5000. */
  maxEntries?: number;
  /** Paths listed in the tree. Default: 150. */
  maxTreeLines?: number;
  /** Folder levels below the workspace walked. Default: 4. */
  maxDepth?: number;
  /** Manifests listed. Default: 20. */
  maxManifests?: number;
  /** Characters of each manifest's and the README's head. Default: 800. */
  maxHeadChars?: number;
}

const DEFAULTS: Required<SurveyOptions> = {
  maxEntries: 5000,
  maxTreeLines: 150,
  maxDepth: 4,
  maxManifests: 20,
  maxHeadChars: 800,
};

/** Bytes of a manifest read for detection; a longer one is judged by its start. */
const MAX_MANIFEST_BYTES = 64 * 1024;
const README = /^readme(\.(md|rst|txt|markdown))?$/i;

function resolveOptions(options: SurveyOptions): Required<SurveyOptions> {
  const resolved = { ...DEFAULTS, ...options };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ConfigError(name, undefined, `expected a whole number >= 1 (got ${String(value)})`);
    }
  }
  return resolved;
}

/** The first `bytes` of a file as text; null when it cannot be read. */
async function readStart(path: string, bytes: number): Promise<string | null> {
  const file = await open(path, 'r').catch(() => null);
  if (!file) return null;
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return null;
  } finally {
    await file.close();
  }
}

function head(text: string, maxChars: number): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= maxChars ? trimmed : `${trimmed.slice(0, maxChars)}\n[… cut]`;
}

/**
 * A deterministic, bounded look at a workspace, made before planning: its tree, manifests,
 * README head, detected stack, and requirements missing from its venv. It never reads a `.env`
 * file's values (only its name), runs nothing and writes nothing. The caller redacts it before
 * it goes anywhere (manifest heads may quote a secret) and adds `git status` and observers.
 */
export async function surveyWorkspace(
  workspace: string,
  options: SurveyOptions = {},
): Promise<WorkspaceSurvey> {
  const bounds = resolveOptions(options);
  const walked = await walkWorkspace(workspace, bounds);
  const manifests: SurveyManifest[] = [];
  const texts = new Map<string, string>();
  let readme: string | null = null;
  for (const path of walked.files) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (readme === null && path === name && README.test(name)) {
      const text = await readStart(join(workspace, path), bounds.maxHeadChars * 4);
      readme = text === null ? null : head(text, bounds.maxHeadChars);
    }
    const kind = manifestKind(name);
    if (!kind || manifests.length >= bounds.maxManifests) continue;
    if (HEADLESS_KINDS.has(kind)) {
      manifests.push({ path, kind, head: null });
      continue;
    }
    const text = await readStart(join(workspace, path), MAX_MANIFEST_BYTES);
    if (text !== null) texts.set(path, text);
    manifests.push({ path, kind, head: text === null ? null : head(text, bounds.maxHeadChars) });
  }
  return {
    tree: walked.tree,
    tree_omitted: walked.treeOmitted,
    entries_seen: walked.entriesSeen,
    complete: walked.complete,
    skipped: walked.skipped,
    venvs: walked.venvs,
    manifests,
    readme,
    git_status: null,
    ...detectStack({ files: walked.files, texts, venvs: walked.venvs }),
    findings: await venvFindings(workspace, walked.venvs, texts),
    observer_findings: {},
  };
}

/** Requirements of the top-level requirements.txt that the venv lacks, or no venv at all. */
async function venvFindings(
  workspace: string,
  venvs: readonly string[],
  texts: ReadonlyMap<string, string>,
): Promise<string[]> {
  const requirements = texts.get('requirements.txt');
  if (requirements === undefined) return [];
  const wanted = parseRequirements(requirements);
  if (venvs.length === 0) {
    return wanted.length > 0
      ? ['requirements.txt lists packages but the workspace has no virtual environment']
      : [];
  }
  const findings: string[] = [];
  for (const venv of venvs) {
    const installed = await venvDistributions(workspace, venv);
    for (const requirement of wanted) {
      if (!installed.has(canonicalName(requirement.name))) {
        findings.push(`${requirement.name} (requirements.txt) is not installed in ${venv}`);
      }
    }
  }
  return findings;
}
