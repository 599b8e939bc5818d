import type { WorkspaceSurvey } from './workspace-survey.js';

/** The most characters a survey takes in a prompt: it shares the context with the task. */
export const SURVEY_TEXT_MAX_CHARS = 8000;

const list = (items: readonly string[], none = 'none found') =>
  items.length > 0 ? items.join(', ') : none;
const indent = (text: string) => text.replace(/^/gm, '    ');

/**
 * The survey as a prompt section, most telling parts first (findings, stack, manifests) so the
 * cap, when it bites, cuts the tree's tail rather than what the master needs most.
 */
export function surveyText(survey: WorkspaceSurvey, maxChars = SURVEY_TEXT_MAX_CHARS): string {
  const lines: string[] = [];
  const findings = [
    ...survey.findings,
    ...Object.entries(survey.observer_findings).flatMap(([role, found]) =>
      (found ?? []).map((finding) => `${role} observer: ${finding}`),
    ),
  ];
  if (findings.length > 0) lines.push('Findings:', ...findings.map((f) => `- ${f}`));
  lines.push(
    `Languages: ${list(survey.languages)}`,
    `Frameworks: ${list(survey.frameworks)}`,
    `Package managers: ${list(survey.package_managers)}`,
    `Test commands: ${list(survey.test_commands)}`,
    `Virtual environments: ${list(survey.venvs)}`,
  );
  if (survey.manifests.length > 0) {
    lines.push('Manifests:');
    for (const manifest of survey.manifests) {
      const note = manifest.kind === 'env' ? ' (values withheld)' : '';
      lines.push(`- ${manifest.path} [${manifest.kind}]${note}`);
      if (manifest.head) lines.push(indent(manifest.head));
    }
  }
  if (survey.git_status !== null) lines.push('git status:', indent(survey.git_status));
  if (survey.readme) lines.push('README (head):', indent(survey.readme));
  const walked = survey.complete
    ? `${survey.entries_seen} entries`
    : `stopped at ${survey.entries_seen} entries; more not walked`;
  lines.push(`Files (${walked}; not entered: ${list(survey.skipped, 'none')}):`);
  lines.push(...survey.tree.map((path) => `  ${path}`));
  if (survey.tree_omitted > 0) lines.push(`  … and ${survey.tree_omitted} more paths`);
  const text = lines.join('\n');
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 12)}\n[… cut]`;
}
