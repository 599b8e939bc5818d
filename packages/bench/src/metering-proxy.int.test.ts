import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type MeteringProxy, startMeteringProxy } from './metering-proxy.js';

describe('startMeteringProxy', () => {
  let upstream: ScriptedLlmServer | undefined;
  let proxy: MeteringProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    await upstream?.close();
  });

  const chat = (runId: string) =>
    fetch(`${proxy!.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-codegod-run': runId },
      body: JSON.stringify({
        model: 'scripted-model',
        messages: [{ role: 'user', content: runId }],
      }),
    });

  it('forwards requests and replies unchanged, counting chat calls per run', async () => {
    upstream = await startScriptedLlmServer({ rules: [{ reply: { answer: 42 } }] });
    proxy = await startMeteringProxy(upstream.url);
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const reply = await chat('run-a');
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { choices: { message: { content: string } }[] };
    expect(JSON.parse(body.choices[0]!.message.content)).toEqual({ answer: 42 });
    await (await chat('run-a')).text();
    await (await chat('run-b')).text();
    const models = await fetch(`${proxy.url}/models`);
    expect(models.status).toBe(200);
    await models.text();
    expect(proxy.callsOf('run-a')).toBe(2);
    expect(proxy.callsOf('run-b')).toBe(1);
    expect(proxy.callsOf('run-c')).toBe(0);
    expect(upstream.requests.map((request) => request.runId)).toEqual(['run-a', 'run-a', 'run-b']);
  });

  it('answers 502 when the upstream is down', async () => {
    upstream = await startScriptedLlmServer();
    const url = upstream.url;
    await upstream.close();
    upstream = undefined;
    proxy = await startMeteringProxy(url);
    const reply = await chat('run-a');
    expect(reply.status).toBe(502);
    expect(await reply.text()).toContain('bench proxy:');
  });

  it('refuses an upstream that is not an http(s) URL, naming the flag', async () => {
    await expect(startMeteringProxy('ftp://x')).rejects.toThrow('--llm-url must be an http(s) URL');
    await expect(startMeteringProxy('not a url')).rejects.toThrow(
      '--llm-url must be an http(s) URL',
    );
  });
});
