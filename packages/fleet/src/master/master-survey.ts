import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type RoleToolkit, type SurveyOptions, surveyWorkspace } from '@codegod/actions';
import type { RunCheckRunner, WorkspaceSurveyor } from '@codegod/orchestrator';
import { clip, type WorkerRole, type WorkspaceSurvey } from '@codegod/protocol';

/** A role's Observe probe, as the master borrows it for the survey. */
export type SurveyObserver = RoleToolkit['observe'];

/** Settings of the master's survey. */
export interface MasterSurveyOptions {
  /** Bounds of the file walk; see `SurveyOptions` for defaults. */
  bounds?: SurveyOptions;
  /**
   * Role observers whose findings join the survey (embedded mode passes its toolkits').
   * Default: none; the survey is the file walk and `git status` only.
   */
  observers?: Partial<Record<WorkerRole, SurveyObserver>>;
}

/** The observers of a set of role toolkits, for `MasterSurveyOptions.observers`. */
export function surveyObservers(
  toolkits: Partial<Record<WorkerRole, RoleToolkit>>,
): Partial<Record<WorkerRole, SurveyObserver>> {
  return Object.fromEntries(
    Object.entries(toolkits).map(([role, toolkit]) => [
      role,
      ((task, context) => toolkit!.observe(task, context)) satisfies SurveyObserver,
    ]),
  );
}

/** Findings kept per observer, and characters per finding: the survey must stay small. */
const MAX_OBSERVER_FINDINGS = 12;
const MAX_FINDING_CHARS = 300;
/** `git status` is quick; a repository that takes longer is reported as such. */
const GIT_TIMEOUT_MS = 15_000;

/**
 * The workspace survey the master plans from: the bounded file walk, `git status` when the
 * workspace is a repository (run through the run-check runner, so confined like any check),
 * and each role observer's findings. Not redacted: the caller redacts it before any use.
 */
export async function surveyForMaster(
  workspace: string,
  checks: RunCheckRunner,
  options: MasterSurveyOptions = {},
  signal?: AbortSignal,
): Promise<WorkspaceSurvey> {
  const survey = await surveyWorkspace(workspace, options.bounds);
  if (existsSync(join(workspace, '.git'))) {
    survey.git_status = await gitStatus(workspace, checks, signal);
  }
  for (const [role, observe] of Object.entries(options.observers ?? {})) {
    if (!observe) continue;
    survey.observer_findings[role as WorkerRole] = await observerFindings(
      role as WorkerRole,
      observe,
      workspace,
      signal,
    );
  }
  return survey;
}

/**
 * The master's survey port over `surveyForMaster`: what the master service and the embedded
 * fleet give the Orchestrator. `checks` runs `git status`, confined like any run check.
 */
export function masterSurveyor(
  checks: RunCheckRunner,
  options: MasterSurveyOptions = {},
): WorkspaceSurveyor {
  return (workspace, signal) => surveyForMaster(workspace, checks, options, signal);
}

async function gitStatus(
  workspace: string,
  checks: RunCheckRunner,
  signal: AbortSignal | undefined,
): Promise<string> {
  // core.fsmonitor names a program git would run: a hostile repository must not pick it.
  const argv = ['git', '-c', 'core.fsmonitor=false', 'status', '--short', '--branch'];
  const [result] = await checks.runChecks([{ type: 'command', argv, timeout_ms: GIT_TIMEOUT_MS }], {
    workspace,
    ...(signal ? { signal } : {}),
  });
  if (!result) return 'git status did not run';
  return result.passed ? result.output.trimEnd() : `git status failed: ${result.reason}`;
}

async function observerFindings(
  role: WorkerRole,
  observe: SurveyObserver,
  workspace: string,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const task = {
    id: 'survey',
    description: 'Survey the workspace before planning.',
    role,
    depends_on: [],
  };
  try {
    const observation = await observe(task, { workspace, ...(signal ? { signal } : {}) });
    return observation.findings
      .slice(0, MAX_OBSERVER_FINDINGS)
      .map((finding) => clip(finding, MAX_FINDING_CHARS));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [`the ${role} observer failed: ${clip(message, MAX_FINDING_CHARS)}`];
  }
}
