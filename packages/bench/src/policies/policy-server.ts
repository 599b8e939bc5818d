import { type RecordedRequest, startScriptedLlmServer } from '@codegod/llm/testing';
import { CodegodError, withEveryCheckField } from '@codegod/protocol';
import type { BenchInstance } from '../bench-instance.js';
import { lazyPolicy } from './lazy-policy.js';
import { oraclePolicy } from './oracle-policy.js';
import type { PolicyTask, ScriptedPolicy } from './scripted-policy.js';

/** The scripted policies by name. */
export const POLICIES: Record<string, ScriptedPolicy> = {
  oracle: oraclePolicy,
  lazy: lazyPolicy,
};

/** A scripted OpenAI-compatible server answering for a policy, run by run. */
export interface PolicyServer {
  /** Base URL ending in /v1: `--llm-url` of embedded runs, VLLM_API_URL of a fleet. */
  readonly url: string;
  /** Chat completions received for a run id so far. */
  callsOf(runId: string): number;
  close(): Promise<void>;
}

/** Finds the instance a decomposition is about: the longest problem statement the prompt holds. */
function instanceOf(request: RecordedRequest, instances: readonly BenchInstance[]) {
  const text = request.messages.map((message) => message.content).join('\n');
  return instances
    .filter((instance) => text.includes(instance.problem_statement))
    .sort((a, b) => b.problem_statement.length - a.problem_statement.length)[0];
}

const reasoning = (task: PolicyTask | undefined) => ({
  problem_analysis: task ? task.description : 'unknown task',
  root_causes: ['as the policy scripts it'],
  approach: task ? task.steps.map((step) => step.action).join(', ') : 'nothing',
  risks: [],
  success_criteria: ['the acceptance checks pass'],
  conclusion: 'follow the scripted steps',
});

const plan = (task: PolicyTask | undefined) => ({
  steps: (task?.steps ?? []).map((step) => ({
    action: step.action,
    target: String(step.args.path ?? step.args.file ?? '.'),
    method: step.action,
    expected: 'the step succeeds',
    args: step.args,
  })),
  estimated_duration: '1 minute',
  confidence: 0.9,
});

/**
 * Starts a scripted server that plays `policy` for `instances`: a decompose request is matched
 * to its instance by the problem statement, and the run id (header x-codegod-run) routes every
 * later request of that run (agents' iterations, replans) to the same instance. The
 * problem statements must therefore differ.
 */
export async function startPolicyServer(
  policy: ScriptedPolicy,
  instances: readonly BenchInstance[],
): Promise<PolicyServer> {
  const seen = new Map<string, string>();
  for (const instance of instances) {
    const other = seen.get(instance.problem_statement);
    if (other !== undefined)
      throw new CodegodError(
        'usage',
        `--policy: instances ${other} and ${instance.instance_id} have the same problem_statement; the policy server tells runs apart by it`,
      );
    seen.set(instance.problem_statement, instance.instance_id);
    const problem = await policy.problemWith(instance);
    if (problem) throw new CodegodError('usage', `--policy ${policy.name}: ${problem}`);
  }
  const tasks = new Map<string, PolicyTask[]>();
  for (const instance of instances)
    tasks.set(instance.instance_id, await policy.tasksFor(instance));
  const runs = new Map<string, string>();
  const calls = new Map<string, number>();

  const answer = (request: RecordedRequest): unknown => {
    const runId = request.runId ?? '';
    calls.set(runId, (calls.get(runId) ?? 0) + 1);
    if (request.phase === 'decompose') {
      const instance = instanceOf(request, instances);
      if (instance) runs.set(runId, instance.instance_id);
      const planned = instance ? tasks.get(instance.instance_id)! : [];
      return {
        tasks: planned.map(({ steps: _steps, ...task }) => ({
          ...task,
          acceptance: task.acceptance.map(withEveryCheckField),
        })),
        run_checks: [],
      };
    }
    if (request.role === 'master')
      return { analysis: 'the policy has no other plan', give_up: true, tasks: [] };
    const planned = tasks.get(runs.get(runId) ?? '') ?? [];
    const text = request.messages.map((message) => message.content).join('\n');
    const task = planned.find((candidate) =>
      text.includes(`"id": ${JSON.stringify(candidate.id)}`),
    );
    // One reply per agent iteration: the Reasoning fields first, then the plan.
    return { ...reasoning(task), ...plan(task) };
  };

  const server = await startScriptedLlmServer({ rules: [{ reply: answer }] });
  return {
    url: server.url,
    callsOf: (runId) => calls.get(runId) ?? 0,
    close: () => server.close(),
  };
}
