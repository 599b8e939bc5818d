/** One failure found in command output, in a form an agent can act on. */
export interface FailureFinding {
  /** What went wrong, e.g. `missing-module`. */
  kind:
    | 'missing-module'
    | 'missing-name'
    | 'syntax-error'
    | 'missing-file'
    | 'missing-script'
    | 'assertion-failed'
    | 'exception';
  /** The line of output the finding comes from. */
  message: string;
  /** The module, name, file or script involved, when known. */
  subject?: string;
  /** Where it happened, e.g. `tests/test_app.py:1`, when known. */
  location?: string;
  /** What usually fixes it. */
  hint: string;
}

interface Rule {
  pattern: RegExp;
  kind: FailureFinding['kind'];
  hint: (subject: string) => string;
}

// Ordered: the first rule that matches a line wins, so specific errors come before generic ones.
const RULES: Rule[] = [
  {
    pattern: /ModuleNotFoundError: No module named '([^']+)'/,
    kind: 'missing-module',
    hint: (m) => `install ${m.split('.')[0]} (pip, in the venv) or fix the import path`,
  },
  {
    pattern: /Error: Cannot find module '([^']+)'/,
    kind: 'missing-module',
    hint: (m) =>
      m.startsWith('.') || m.startsWith('/')
        ? `fix the path ${m}`
        : `npm install ${m} or fix the require path`,
  },
  {
    pattern: /ImportError: cannot import name '([^']+)'/,
    kind: 'missing-name',
    hint: (n) => `${n} is not defined where it is imported from; fix the import or define it`,
  },
  {
    pattern: /SyntaxError: (.+)/,
    kind: 'syntax-error',
    hint: () => 'fix the syntax at the location shown',
  },
  {
    pattern: /ENOENT: no such file or directory, \w+ '([^']+)'/,
    kind: 'missing-file',
    hint: (f) => `create ${f} or fix the path that names it`,
  },
  {
    pattern: /FileNotFoundError: .*'([^']+)'/,
    kind: 'missing-file',
    hint: (f) => `create ${f} or fix the path that names it`,
  },
  {
    pattern: /npm (?:ERR!|error) [Mm]issing script: "?([^"\s]+)"?/,
    kind: 'missing-script',
    hint: (s) => `add a "${s}" script to package.json`,
  },
  {
    pattern: /AssertionError:?\s*(.*)/,
    kind: 'assertion-failed',
    hint: () => 'the code runs but gives the wrong result; compare expected and actual',
  },
  {
    pattern: /^(?:E\s+)?([A-Z]\w*(?:Error|Exception)): (.+)$/,
    kind: 'exception',
    hint: () => 'read the traceback above the error',
  },
];

const PYTHON_FRAME = /File "([^"]+)", line (\d+)/;
const NODE_FRAME = /\(?((?:\/|\.\.?\/)[^\s():]+):(\d+):\d+\)?/;

/** Parses test or command output into structured findings, one per distinct failure. */
export function parseFailures(output: string): FailureFinding[] {
  const findings: FailureFinding[] = [];
  const seen = new Set<string>();
  let location: string | undefined;
  for (const line of output.split(/\r?\n/)) {
    const frame = PYTHON_FRAME.exec(line) ?? NODE_FRAME.exec(line);
    if (frame) location = `${frame[1]}:${frame[2]}`;
    for (const rule of RULES) {
      const match = rule.pattern.exec(line.trim());
      if (!match) continue;
      const subject = match[1]?.trim() || undefined;
      const key = `${rule.kind}:${subject ?? line.trim()}`;
      if (!seen.has(key)) {
        seen.add(key);
        findings.push({
          kind: rule.kind,
          message: line.trim(),
          ...(subject && rule.kind !== 'exception' && rule.kind !== 'syntax-error'
            ? { subject }
            : {}),
          ...(location ? { location } : {}),
          hint: rule.hint(subject ?? ''),
        });
      }
      break;
    }
  }
  return findings;
}

/** One line per finding, for an Observation's `findings`. */
export function describeFinding(finding: FailureFinding): string {
  const subject = finding.subject ? ` ${finding.subject}` : '';
  const where = finding.location ? ` at ${finding.location}` : '';
  return `${finding.kind.replace('-', ' ')}${subject}${where}: ${finding.hint}`;
}
