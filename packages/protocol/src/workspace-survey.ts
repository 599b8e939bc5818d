import { z } from 'zod';
import { workerRoleSchema } from './roles.js';

/** A manifest found in the workspace: its path, what it is, and the head of its text. */
export const surveyManifestSchema = z.object({
  path: z.string(),
  /** e.g. `requirements`, `package.json`, `lockfile`, `dockerfile`, `compose`, `env-example`, `env`. */
  kind: z.string(),
  /** The first lines, capped; null for lockfiles and for `.env` files, whose values never show. */
  head: z.string().nullable(),
});
/** A manifest found in the workspace. */
export type SurveyManifest = z.infer<typeof surveyManifestSchema>;

/**
 * What the master saw of a workspace before it planned: deterministic (sorted, no clock) and
 * bounded in every list and text, so it can sit in a prompt. Secrets are redacted before it
 * leaves the master.
 */
export const workspaceSurveySchema = z.object({
  /** Paths relative to the workspace, breadth first and sorted; folders end with `/`. */
  tree: z.array(z.string()),
  /** Paths seen but left out of `tree` by its bound. */
  tree_omitted: z.number().int().nonnegative(),
  /** Entries the walk looked at. */
  entries_seen: z.number().int().nonnegative(),
  /** False when the walk stopped at its bound: the tree shows only part of the workspace. */
  complete: z.boolean(),
  /** Folders shown but not walked: dependencies, virtual environments, VCS data, build output. */
  skipped: z.array(z.string()),
  /** Python virtual environments (folders with a `pyvenv.cfg`). */
  venvs: z.array(z.string()),
  manifests: z.array(surveyManifestSchema),
  /** The README's first lines, or null when there is none. */
  readme: z.string().nullable(),
  /** `git status --short --branch`, or null when the workspace is not a repository. */
  git_status: z.string().nullable(),
  languages: z.array(z.string()),
  frameworks: z.array(z.string()),
  package_managers: z.array(z.string()),
  test_commands: z.array(z.string()),
  /** What the survey itself could tell, e.g. a requirement missing from the venv. */
  findings: z.array(z.string()),
  /** Each role observer's findings, when the master ran them. */
  observer_findings: z.partialRecord(workerRoleSchema, z.array(z.string())).default({}),
});
/** What the master saw of a workspace before it planned. */
export type WorkspaceSurvey = z.infer<typeof workspaceSurveySchema>;
