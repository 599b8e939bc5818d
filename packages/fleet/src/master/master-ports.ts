import {
  createWorkspaceRedactor,
  describeRoleCapabilities,
  ROLE_DEFINITIONS,
  type RoleToolkit,
} from '@codegod/actions';
import type { OrchestratorDependencies, RunCheckRunner } from '@codegod/orchestrator';
import type { WorkerRole } from '@codegod/protocol';
import { type MasterSurveyOptions, masterSurveyor, surveyObservers } from './master-survey.js';

/** The master's ports that @codegod/actions implements. */
export type MasterActionPorts = Pick<
  OrchestratorDependencies,
  'checks' | 'redactor' | 'roleCapabilities' | 'survey'
>;

/**
 * Wires what the master reaches of @codegod/actions: `checks` runs run checks (and the survey's
 * `git status`), the workspace redactor hides secrets, the role registry lists capabilities, and
 * the survey walks the workspace with `toolkits`' observers unless `survey` says otherwise
 * (`false` skips it). The master service and the embedded fleet both wire the master with it.
 */
export function masterActionPorts(options: {
  checks: RunCheckRunner;
  toolkits: Partial<Record<WorkerRole, RoleToolkit>>;
  survey?: MasterSurveyOptions | false | undefined;
}): MasterActionPorts {
  const { checks, survey } = options;
  return {
    checks,
    redactor: createWorkspaceRedactor,
    roleCapabilities: describeRoleCapabilities(ROLE_DEFINITIONS),
    ...(survey === false
      ? {}
      : {
          survey: masterSurveyor(
            checks,
            survey ?? { observers: surveyObservers(options.toolkits) },
          ),
        }),
  };
}
