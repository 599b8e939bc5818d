import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ScriptedLlmServer, startScriptedLlmServer } from './scripted-llm-server.js';

const BIN = fileURLToPath(new URL('../../dist/testing/scripted-server-bin.js', import.meta.url));

const completionSchema = z.object({
  choices: z.tuple([z.object({ message: z.object({ content: z.string() }) })]),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }),
});

async function chat(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'scripted-model', ...body }),
  });
  return completionSchema.parse(await response.json());
}

const schemaFormat = (name: string, schema: unknown) => ({
  response_format: { type: 'json_schema', json_schema: { name, schema, strict: true } },
});

describe('startScriptedLlmServer', () => {
  let server: ScriptedLlmServer;
  beforeAll(async () => {
    server = await startScriptedLlmServer({ models: ['a-model', 'b-model'] });
  });
  afterAll(() => server.close());

  it('lists its models and 404s unknown paths', async () => {
    const models = (await (await fetch(`${server.url}/models`)).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual(['a-model', 'b-model']);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('answers the first non-exhausted matching rule, in order', async () => {
    server.setRules([
      { match: { role: 'devops', contains: 'docker' }, reply: 'first', times: 1 },
      { match: { role: 'devops' }, reply: (request) => ({ phase: request.phase }) },
    ]);
    const messages = [{ role: 'user', content: 'write a docker file' }];
    const headers = { 'x-codegod-role': 'devops', 'x-codegod-phase': 'act' };
    const first = await chat(server.url, { messages }, headers);
    const second = await chat(server.url, { messages }, headers);
    expect(first.choices[0].message.content).toBe('"first"');
    expect(second.choices[0].message.content).toBe('{"phase":"act"}');
    expect(second.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('builds a minimal schema-valid reply when no rule matches', async () => {
    server.setRules([{ match: { role: 'nobody' }, reply: 1 }]);
    const schema = {
      type: 'object',
      properties: {
        tag: { $ref: '#/$defs/Tag' },
        items: { type: 'array', minItems: 2, items: { type: 'integer', minimum: 3 } },
      },
      required: ['tag', 'items'],
      $defs: { Tag: { enum: ['x', 'y'] } },
    };
    const json = await chat(server.url, {
      messages: [{ role: 'user', content: 'hi' }],
      ...schemaFormat('s', schema),
    });
    expect(JSON.parse(json.choices[0].message.content)).toEqual({ tag: 'x', items: [3, 3] });
  });

  it('records requests and resets its stats in place', async () => {
    server.resetStats();
    const requests = server.requests;
    await chat(
      server.url,
      {
        messages: [{ role: 'user', content: [{ type: 'text', text: 'parts' }] }],
        ...schemaFormat('named', { type: 'object', properties: {}, required: [] }),
      },
      { 'x-codegod-run': 'r1' },
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      runId: 'r1',
      schemaName: 'named',
      messages: [{ role: 'user', content: 'parts' }],
    });
    server.resetStats();
    expect(server.requests).toHaveLength(0);
    expect(server.peakInFlight).toBe(0);
  });

  it('ends hanging requests on close', { timeout: 10_000 }, async () => {
    const own = await startScriptedLlmServer({ rules: [{ fault: 'hang' }] });
    const pending = fetch(`${own.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [] }),
    }).catch((error: unknown) => error);
    while (own.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await own.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('trickle sends the headers at once, then a byte per trickleMs, until close', {
    timeout: 10_000,
  }, async () => {
    const own = await startScriptedLlmServer({ rules: [{ fault: 'trickle', trickleMs: 50 }] });
    const response = await fetch(`${own.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [] }),
    });
    expect(response.headers.get('content-type')).toBe('application/json');
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.value).toHaveLength(1);
    const second = await reader.read();
    expect(second.value).toHaveLength(1);
    const rest = reader.read().catch((error: unknown) => error);
    await own.close();
    // The body never completes: close() cut it.
    let ended: unknown = await rest;
    while (!(ended instanceof Error) && !(ended as { done?: boolean }).done)
      ended = await reader.read().catch((error: unknown) => error);
    expect(ended).toBeInstanceOf(Error);
  });

  it('plays the body faults on /v1/models too', async () => {
    const own = await startScriptedLlmServer({ modelsFault: 'html' });
    try {
      const response = await fetch(`${own.url}/models`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('502 Bad Gateway');
    } finally {
      await own.close();
    }
  });
});

describe('scripted-server-bin', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await tempDir('codegod-llm-rules-');
  });
  afterAll(() => dir.remove());

  it('serves the rules file, prints its URL and exits 0 on SIGTERM', {
    timeout: 20_000,
  }, async () => {
    const rules = join(dir.path, 'rules.json');
    await writeFile(
      rules,
      JSON.stringify([{ match: { schemaName: 'plan' }, reply: { ok: true } }]),
    );
    const child = spawn(process.execPath, [BIN, '--port', '0', '--rules', rules], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (data: Buffer) => resolve(data.toString().trim()));
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const json = await chat(url, { messages: [], ...schemaFormat('plan', {}) });
      expect(json.choices[0].message.content).toBe('{"ok":true}');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('plays --models-fault on /v1/models', { timeout: 20_000 }, async () => {
    const child = spawn(process.execPath, [BIN, '--models-fault', 'text-plain'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (data: Buffer) => resolve(data.toString().trim()));
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const response = await fetch(`${url}/models`);
      expect(response.headers.get('content-type')).toBe('text/plain');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('rejects a bad rules file with one line naming the problem', async () => {
    const rules = join(dir.path, 'bad.json');
    await writeFile(rules, JSON.stringify([{ fault: 'explode' }]));
    const error = (await promisify(execFile)(process.execPath, [BIN, '--rules', rules]).catch(
      (e: unknown) => e,
    )) as {
      code: number;
      stderr: string;
    };
    expect(error.code).toBe(2);
    expect(error.stderr.trim().split('\n')).toHaveLength(1);
    expect(error.stderr).toContain('[0].fault');
  });
});
