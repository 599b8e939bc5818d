import type { WorkspaceSurvey } from '@codegod/protocol';

/**
 * The port through which the master surveys a workspace before decomposing and before each
 * replan. The fleet wires `surveyForMaster` (the file walk of @codegod/actions, `git status`
 * and the role observers); the result is not redacted yet: the master redacts it.
 */
export type WorkspaceSurveyor = (
  workspace: string,
  signal: AbortSignal | undefined,
) => Promise<WorkspaceSurvey>;
