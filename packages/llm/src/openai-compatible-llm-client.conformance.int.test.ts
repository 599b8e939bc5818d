import { createLlmClient } from './create-llm-client.js';
import { llmClientConformance, startScriptedLlmServer } from './testing/index.js';

llmClientConformance(
  'OpenAiCompatibleLlmClient over HTTP to the scripted server',
  async (setup) => {
    const server = await startScriptedLlmServer({ rules: setup.rules, models: setup.models });
    const client = createLlmClient({
      baseURL: server.url,
      model: setup.model,
      maxRepairs: setup.maxRepairs,
      timeoutMs: setup.timeoutMs,
      env: {},
    });
    return { client, requests: () => server.requests, close: () => server.close() };
  },
);
