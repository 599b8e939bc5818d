import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/** What goes into a tiny pure-Python wheel. */
export interface WheelSpec {
  /** Distribution name, e.g. `flask`. */
  name: string;
  /** Version, e.g. `3.0.0`. */
  version: string;
  /** Module files by path inside the wheel, e.g. `{ 'flask/__init__.py': '...' }`. */
  files: Record<string, string>;
}

// Python's zipfile writes the archive; RECORD carries real hashes so pip accepts it as is.
const WRITE_WHEEL = `
import base64, hashlib, json, sys, zipfile
spec = json.loads(sys.argv[1]); out = sys.argv[2]
name, version = spec["name"], spec["version"]
info = f"{name}-{version}.dist-info"
files = dict(spec["files"])
files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n"
files[f"{info}/WHEEL"] = "Wheel-Version: 1.0\\nGenerator: codegod-testing\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
record = []
for path, text in files.items():
    data = text.encode()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{path},sha256={digest},{len(data)}")
record.append(f"{info}/RECORD,,")
files[f"{info}/RECORD"] = "\\n".join(record) + "\\n"
with zipfile.ZipFile(out, "w") as archive:
    for path, text in files.items():
        archive.writestr(path, text)
`;

/** Builds `name-version-py3-none-any.whl` in `dir` and returns its path. Needs python3. */
export async function buildWheel(dir: string, spec: WheelSpec): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${spec.name}-${spec.version}-py3-none-any.whl`);
  await execa('python3', ['-c', WRITE_WHEEL, JSON.stringify(spec), file]);
  return file;
}
