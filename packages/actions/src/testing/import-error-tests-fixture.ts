import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A Python project whose test suite fails on an import error. */
export interface ImportErrorTestsFixture {
  /** The workspace: src/calculator.py and tests/test_calculator.py importing `calculator`. */
  workspace: string;
  /** The test file to fix. */
  testFile: string;
  /** The test file as it should read: importing from `src.calculator`. */
  fixedTest: string;
}

const test = (module: string) => `import unittest

from ${module} import add


class AddTest(unittest.TestCase):
    def test_adds(self):
        self.assertEqual(add(2, 3), 5)

    def test_adds_negatives(self):
        self.assertEqual(add(-2, -3), -5)
`;

/**
 * Makes the project in `dir/workspace`: the module moved to src/ but the tests still
 * `from calculator import add`, so they fail with "No module named 'calculator'".
 */
export async function makeImportErrorTestsFixture(dir: string): Promise<ImportErrorTestsFixture> {
  const workspace = join(dir, 'workspace');
  await mkdir(join(workspace, 'src'), { recursive: true });
  await mkdir(join(workspace, 'tests'), { recursive: true });
  await writeFile(join(workspace, 'src', 'calculator.py'), 'def add(a, b):\n    return a + b\n');
  await writeFile(join(workspace, 'tests', '__init__.py'), '');
  await writeFile(join(workspace, 'tests', 'test_calculator.py'), test('calculator'));
  return { workspace, testFile: 'tests/test_calculator.py', fixedTest: test('src.calculator') };
}
