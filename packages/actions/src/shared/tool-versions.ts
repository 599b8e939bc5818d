import type { Sandbox } from '../sandbox/sandbox.js';

/**
 * Versions of the interpreters and tools on the PATH commands run with, asked once per process:
 * they do not change under a running worker, and asking costs a process each time (issue 15).
 * Keyed by the sandbox kind too, since each confines a different view of the system.
 */
const versions = new Map<string, Promise<string>>();

/** `tool --version` (stdout and stderr, trimmed), run once per process and sandbox kind. */
export function toolVersion(
  box: Sandbox,
  tool: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const key = `${box.kind}:${tool}`;
  let version = versions.get(key);
  if (!version) {
    version = box
      .run(tool, ['--version'], { signal })
      .then((result) => `${result.stdout}${result.stderr}`.trim());
    versions.set(key, version);
    // A failed or cancelled probe is not remembered: the next task asks again.
    version.catch(() => versions.delete(key));
  }
  return version;
}

/** The Python version a venv was made with, from its pyvenv.cfg: no process needed. */
export function venvPythonVersion(pyvenvCfg: string): string | undefined {
  return /^version(?:_info)?\s*=\s*(\d+\.\d+\.\d+)/m.exec(pyvenvCfg)?.[1];
}

const probes = new Map<string, Promise<number | null>>();

/** The exit code of a probe command, run once per process and sandbox kind (like toolVersion). */
export function probeOnce(
  box: Sandbox,
  command: string,
  args: readonly string[],
  signal: AbortSignal | undefined,
): Promise<number | null> {
  const key = `${box.kind}:${command}:${JSON.stringify(args)}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = box.run(command, [...args], { signal }).then((result) => result.exitCode);
    probes.set(key, probe);
    probe.catch(() => probes.delete(key));
  }
  return probe;
}
