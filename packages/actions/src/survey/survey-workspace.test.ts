import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, SURVEY_TEXT_MAX_CHARS, surveyText } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyWorkspace } from './survey-workspace.js';

const ENV_SECRET = 'sk-survey-Zq8v1XkLm3';

async function put(root: string, path: string, content = '') {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), content);
}

describe('surveyWorkspace', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('survey-');
    const root = dir.path;
    await put(root, 'app.py', 'from flask import Flask\n');
    await put(root, 'requirements.txt', 'flask==3.0.0\nclick>=8\n');
    await put(root, 'README.md', '# Hello app\nRun it with python app.py\n');
    await put(root, '.env', `OPENAI_API_KEY=${ENV_SECRET}\n`);
    await put(root, 'tests/test_app.py', 'def test_ok():\n    assert True\n');
    await put(root, 'venv/pyvenv.cfg', 'home = /usr/bin\n');
    await put(root, 'venv/lib/python3.11/site-packages/click-8.1.7.dist-info/METADATA');
    await put(
      root,
      'web/package.json',
      '{"dependencies":{"react":"18"},"scripts":{"test":"vitest"}}',
    );
    await put(root, 'web/node_modules/react/index.js', 'module.exports = {};');
  });
  afterAll(() => dir.remove());

  it('lists the tree, manifests, stack and the requirement missing from the venv', async () => {
    const survey = await surveyWorkspace(dir.path);
    expect(survey.tree).toEqual(expect.arrayContaining(['app.py', 'requirements.txt', 'venv/']));
    expect(survey.tree.some((p) => p.startsWith('venv/lib'))).toBe(false);
    expect(survey.tree.some((p) => p.startsWith('web/node_modules/react'))).toBe(false);
    expect(survey.venvs).toEqual(['venv/']);
    expect(survey.skipped).toEqual(['venv/', 'web/node_modules/']);
    expect(survey.findings).toEqual(['flask (requirements.txt) is not installed in venv/']);
    expect(survey.frameworks).toEqual(['flask', 'react']);
    expect(survey.package_managers).toEqual(['npm', 'pip']);
    expect(survey.test_commands).toEqual(['venv/bin/python -m pytest', 'npm test (in web/)']);
    expect(survey.readme).toMatch(/^# Hello app/);
    expect(survey.manifests.map((m) => `${m.path}:${m.kind}`)).toEqual([
      '.env:env',
      'requirements.txt:requirements',
      'web/package.json:package.json',
    ]);
    expect(survey.languages[0]).toBe('Python (2 files)');
  });

  it('never reads a .env value, and gives the same survey twice', async () => {
    const first = await surveyWorkspace(dir.path);
    expect(JSON.stringify(first)).not.toContain(ENV_SECRET);
    expect(surveyText(first)).toMatch(/\.env \[env\] \(values withheld\)/);
    expect(await surveyWorkspace(dir.path)).toEqual(first);
  });

  it('rejects a bad bound, naming it', async () => {
    await expect(surveyWorkspace(dir.path, { maxEntries: 0 })).rejects.toThrow(ConfigError);
    await expect(surveyWorkspace(dir.path, { maxEntries: 0 })).rejects.toThrow(/maxEntries/);
  });
});

describe('surveyWorkspace on a 50,000-file workspace', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('survey-big-');
    await put(dir.path, 'requirements.txt', 'flask\n');
    for (let folder = 0; folder < 100; folder++) {
      const path = join(dir.path, 'src', `pkg${String(folder).padStart(3, '0')}`);
      await mkdir(path, { recursive: true });
      await Promise.all(
        Array.from({ length: 500 }, (_, i) => writeFile(join(path, `module_${i}.py`), '')),
      );
    }
  }, 120_000);
  afterAll(() => dir.remove());

  it('stops at its bound and stays within the prompt cap', async () => {
    const survey = await surveyWorkspace(dir.path);
    expect(survey.complete).toBe(false);
    expect(survey.entries_seen).toBe(5000);
    expect(survey.tree.length).toBe(150);
    expect(survey.manifests.map((m) => m.path)).toEqual(['requirements.txt']);
    const text = surveyText(survey);
    expect(text.length).toBeLessThanOrEqual(SURVEY_TEXT_MAX_CHARS);
    expect(text).toMatch(/stopped at 5000 entries; more not walked/);
  }, 30_000);
});
