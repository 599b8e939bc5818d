import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { type DeliveryTimers, deliverBody } from './deliver-body.js';
import type { RecordedRequest, ScriptedFault, ScriptedRule } from './scripted-rule.js';
import { isTransportFault } from './scripted-rule.js';
import { type ScriptedReply, ScriptedRuleBook, scriptedOutcome } from './scripted-rule-book.js';

/** Settings of startScriptedLlmServer. */
export interface ScriptedLlmServerOptions {
  /** Rules tried in order. Default: none (every request gets a minimal schema-valid reply). */
  rules?: ScriptedRule[];
  /** Port on `host`. Default: 0, a free port. */
  port?: number;
  /** Interface to listen on. Default: `127.0.0.1`. */
  host?: string;
  /** Model ids `/v1/models` lists. Default: `['scripted-model']`. */
  models?: string[];
  /** Answer 404 to chat requests for a model not in `models`, as vLLM does. Default: false. */
  rejectUnknownModels?: boolean;
  /**
   * A fault `GET /v1/models` (the client's health check) plays: `hang`, `http-500` or a
   * transport fault (`trickle`, `html`, …). Default: none.
   */
  modelsFault?: ScriptedFault;
  /**
   * `owned_by` of every `/v1/models` entry, which tells the client the server kind: `vllm`,
   * `llamacpp`, `library` (Ollama). Default: `scripted` (a generic server).
   */
  ownedBy?: string;
}

/** A running scripted OpenAI-compatible server. */
export interface ScriptedLlmServer {
  /** Base URL ending in /v1, e.g. http://127.0.0.1:PORT/v1 */
  readonly url: string;
  /** Every chat completion request since start or resetStats(), in arrival order. */
  readonly requests: RecordedRequest[];
  /** Highest number of chat requests in flight at once since start / resetStats(). */
  readonly peakInFlight: number;
  /** Replaces the rules (and their `times` counters). */
  setRules(rules: ScriptedRule[]): void;
  /** Empties `requests` (in place) and restarts `peakInFlight` from the current load. */
  resetStats(): void;
  /** Stops listening and ends every open request, hanging ones included. */
  close(): Promise<void>;
}

const contentSchema = z
  .union([z.string(), z.array(z.object({ text: z.string().optional() }).loose()), z.null()])
  .optional();

const chatRequestSchema = z
  .object({
    model: z.string().optional(),
    messages: z.array(z.object({ role: z.string(), content: contentSchema }).loose()),
    response_format: z
      .object({
        type: z.string(),
        json_schema: z
          .object({ name: z.string(), schema: z.unknown().optional() })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

type ChatRequest = z.infer<typeof chatRequestSchema>;

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function errorBody(message: string, type: string, code: number) {
  return { error: { message, type, code, object: 'error' } };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Starts an OpenAI-compatible server on loopback that answers chat completions from rules
 * and records every request, for tests that drive the real `openai` client over HTTP.
 */
export async function startScriptedLlmServer(
  options: ScriptedLlmServerOptions = {},
): Promise<ScriptedLlmServer> {
  const models = options.models ?? ['scripted-model'];
  const ruleBook = new ScriptedRuleBook(options.rules);
  const requests: RecordedRequest[] = [];
  const open = new Set<ServerResponse>();
  const timers: DeliveryTimers = new Set();
  let inFlight = 0;
  let peakInFlight = 0;
  let completionCount = 0;

  const completeChat = (
    response: ServerResponse,
    body: ChatRequest,
    recorded: RecordedRequest,
    rule: ScriptedRule | undefined,
  ) => {
    const outcome = scriptedOutcome(rule, recorded, body.response_format?.json_schema?.schema);
    if (outcome.kind === 'hang') return; // answered never; close() ends it
    if (outcome.kind === 'http-error') {
      sendJson(
        response,
        outcome.status,
        errorBody(outcome.message, 'InternalServerError', outcome.status),
      );
      return;
    }
    const reply = outcome.kind === 'reply' ? outcome : outcome.reply;
    const fault = outcome.kind === 'transport-fault' ? outcome.fault : undefined;
    deliverBody(response, JSON.stringify(completionBody(body, reply)), fault, rule, timers);
  };

  const completionBody = (body: ChatRequest, { content, finishReason, usage }: ScriptedReply) => ({
    id: `chatcmpl-scripted-${++completionCount}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? models[0],
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.totalTokens,
    },
  });

  const handleChat = async (request: IncomingMessage, response: ServerResponse) => {
    // A rule's latency runs from here: reading and checking the request is part of it, as
    // a real server's own parsing is part of its answer time.
    const arrived = performance.now();
    let json: unknown;
    try {
      json = JSON.parse(await readBody(request));
    } catch {
      sendJson(response, 400, errorBody('request body is not JSON', 'BadRequestError', 400));
      return;
    }
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) {
      sendJson(response, 400, errorBody(parsed.error.message, 'BadRequestError', 400));
      return;
    }
    const body = parsed.data;
    const recorded: RecordedRequest = {
      role: header(request, 'x-codegod-role'),
      phase: header(request, 'x-codegod-phase'),
      runId: header(request, 'x-codegod-run'),
      schemaName: body.response_format?.json_schema?.name,
      messages: body.messages.map((message) => ({
        role: message.role,
        content: Array.isArray(message.content)
          ? message.content.map((part) => part.text ?? '').join('')
          : (message.content ?? ''),
      })),
      body: json,
    };
    requests.push(recorded);
    if (options.rejectUnknownModels && !models.includes(body.model ?? '')) {
      sendJson(
        response,
        404,
        errorBody(`The model \`${body.model}\` does not exist.`, 'NotFoundError', 404),
      );
      return;
    }
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    response.once('close', () => inFlight--);
    // The rule is chosen on arrival, so `times` counts requests in the order they came in.
    const rule = ruleBook.pick(recorded);
    const waitMs = (rule?.latencyMs ?? 0) - (performance.now() - arrived);
    if (waitMs <= 0) return completeChat(response, body, recorded, rule);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!response.destroyed) completeChat(response, body, recorded, rule);
    }, waitMs);
    timers.add(timer);
  };

  const server = createServer((request, response) => {
    open.add(response);
    response.once('close', () => open.delete(response));
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/v1/models') {
      const fault = options.modelsFault;
      if (fault === 'hang') return; // close() ends it
      if (fault === 'http-500') {
        sendJson(response, 500, errorBody('scripted fault', 'InternalServerError', 500));
        return;
      }
      const list = {
        object: 'list',
        data: models.map((id) => ({
          id,
          object: 'model',
          created: 0,
          owned_by: options.ownedBy ?? 'scripted',
        })),
      };
      const transport = isTransportFault(fault) ? fault : undefined;
      deliverBody(response, JSON.stringify(list), transport, undefined, timers);
      return;
    }
    if (request.method === 'POST' && path === '/v1/chat/completions') {
      handleChat(request, response).catch((error: unknown) =>
        sendJson(response, 500, errorBody(String(error), 'InternalServerError', 500)),
      );
      return;
    }
    sendJson(response, 404, errorBody(`no route ${request.method} ${path}`, 'NotFoundError', 404));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}/v1`,
    requests,
    get peakInFlight() {
      return peakInFlight;
    },
    setRules(next) {
      ruleBook.setRules(next);
    },
    resetStats() {
      requests.length = 0;
      peakInFlight = inFlight;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const response of open) response.destroy();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
