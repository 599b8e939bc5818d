/** One requirement line of a requirements.txt. */
export interface Requirement {
  /** The distribution name as written, e.g. `Flask`. */
  name: string;
  /** The whole specifier, e.g. `flask==3.0.0`. */
  spec: string;
}

/** A pip requirement: a name, optional extras and version clauses; no URLs, paths or options. */
export const REQUIREMENT_PATTERN =
  /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?(\s*(===|==|>=|<=|~=|!=|>|<)\s*[A-Za-z0-9.*+!_-]+\s*,?)*$/;

/** The requirements of a requirements.txt, skipping comments, blanks and pip options. */
export function parseRequirements(text: string): Requirement[] {
  const requirements: Requirement[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith('-')) continue;
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(line)?.[0];
    if (name) requirements.push({ name, spec: line });
  }
  return requirements;
}

/** Canonical distribution name (PEP 503): lowercase, runs of `-_.` as one `-`. */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Distributions whose import name differs from their distribution name. */
const IMPORT_NAMES: Record<string, string> = {
  beautifulsoup4: 'bs4',
  pillow: 'PIL',
  pyyaml: 'yaml',
  'python-dotenv': 'dotenv',
  'scikit-learn': 'sklearn',
  'opencv-python': 'cv2',
  'python-dateutil': 'dateutil',
  'flask-sqlalchemy': 'flask_sqlalchemy',
  psycopg2: 'psycopg2',
  'psycopg2-binary': 'psycopg2',
};

/** The module to import to prove a distribution is installed, e.g. `PyYAML` → `yaml`. */
export function importName(distribution: string): string {
  const canonical = canonicalName(distribution);
  return IMPORT_NAMES[canonical] ?? canonical.replace(/-/g, '_');
}
