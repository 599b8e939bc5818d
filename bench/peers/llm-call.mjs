// One chat completion to an OpenAI-compatible server, as a peer's node or job makes it: the
// task in the prompt, a JSON-schema reply format, the reply's content parsed as JSON.
// Shared by the LangGraph.js and plain BullMQ peers (scripts/bench/peers.ts).

/** The reply format every peer asks for (the scripted server answers it regardless). */
const RESPONSE_FORMAT = {
  type: 'json_schema',
  json_schema: {
    name: 'plan',
    schema: {
      type: 'object',
      properties: { steps: { type: 'array', items: { type: 'object' } } },
      required: ['steps'],
    },
  },
};

/** Asks `llmUrl` (ending in /v1) for one task's plan; returns the parsed reply. */
export async function chat(llmUrl, task) {
  const response = await fetch(`${llmUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-codegod-phase': 'peer' },
    body: JSON.stringify({
      model: 'scripted-model',
      messages: [
        { role: 'system', content: 'You plan one software task. Reply with JSON.' },
        { role: 'user', content: `Task ${task.id} (${task.role}): ${task.description}` },
      ],
      response_format: RESPONSE_FORMAT,
    }),
  });
  if (!response.ok) throw new Error(`LLM answered HTTP ${response.status}`);
  const body = await response.json();
  return JSON.parse(body.choices[0].message.content);
}
