import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import type { RunEvent } from '@codegod/protocol';
import { type ApiAnswer, DashboardApi } from './dashboard-api.js';
import type { DashboardSources } from './dashboard-sources.js';
import {
  hasCredentials,
  isLoopbackHostHeader,
  newCsrfToken,
  sameSecret,
} from './request-guards.js';

/** Settings of `createDashboardHandler`. */
export interface DashboardHandlerOptions {
  /** What the dashboard reads and changes. Required. */
  sources: DashboardSources;
  /**
   * The login every request but `/health` must carry (HTTP basic auth). Default: none; then
   * only requests addressed to a loopback name (127.0.0.1, localhost, [::1]) are answered.
   */
  credentials?: { user: string; password: string } | undefined;
}

/** The dashboard as a request handler, to serve alone or mounted in another server. */
export interface DashboardHandler {
  /** Answers one request; paths are relative to where the handler is mounted. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /**
   * Ends the open event streams, and every stream asked for from now on at once, so the
   * server around it can close while a browser is still attached (EventSource reconnects).
   */
  close(): void;
}

/** The header every POST must carry, holding the token from the page's `csrf-token` meta. */
export const CSRF_HEADER = 'x-csrf-token';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
// The page, script and style ship next to src/ and dist/ alike: no build step for the UI.
const STATIC_DIR = new URL('../static/', import.meta.url);
const MAX_BODY_BYTES = 16 * 1024;
const SSE_PING_MS = 15_000;

/** The fields of an event the page needs to move a node; steps' data stays on the server. */
function eventSummary(event: RunEvent) {
  return {
    type: event.type,
    run_id: event.run_id,
    ts: event.ts,
    ...('task_id' in event ? { task_id: event.task_id, role: event.role } : {}),
    ...(event.type === 'task-end' ? { success: event.success } : {}),
    ...(event.type === 'task-step' ? { phase: event.phase, iteration: event.iteration } : {}),
    ...(event.type === 'run-end' ? { state: event.state } : {}),
  };
}

function send(response: ServerResponse, answer: ApiAnswer): void {
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(answer.body));
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The dashboard: a page with runs, each run's DAG updated live over Server-Sent Events, each
 * task's steps, and agents with their memory. Memory changes are POSTs carrying the page's
 * CSRF token. The page, script and style are read once here.
 */
export async function createDashboardHandler(
  options: DashboardHandlerOptions,
): Promise<DashboardHandler> {
  const { credentials } = options;
  const api = new DashboardApi(options.sources);
  const csrfToken = newCsrfToken();
  const page = (await readFile(new URL('index.html', STATIC_DIR), 'utf8')).replace(
    '{{CSRF_TOKEN}}',
    csrfToken,
  );
  // Every script module and style sheet beside the page, read once.
  const assets = new Map<string, { type: string; text: string }>();
  for (const name of await readdir(STATIC_DIR)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type)
      assets.set(`/${name}`, { type, text: await readFile(new URL(name, STATIC_DIR), 'utf8') });
  }
  /** The open event streams, each with what ends it (its ping, its subscription, itself). */
  const streams = new Map<ServerResponse, () => void>();
  let closed = false;

  /**
   * Server-Sent Events: every run's events but steps; with `runId`, that run's new steps only
   * (the page asks for them while it shows one of its tasks).
   */
  const streamEvents = async (
    request: IncomingMessage,
    response: ServerResponse,
    runId: string | null,
  ) => {
    const { bus } = options.sources;
    const logged = runId === null ? 0 : await bus.eventCount(runId);
    // Closed while the count was read, or asked for after: refused, so nothing holds the
    // server open (EventSource gives up on a 503 instead of retrying).
    if (closed) {
      response.shouldKeepAlive = false;
      send(response, { status: 503, body: { error: 'the dashboard is closing' } });
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write('retry: 2000\n\n');
    const forward = (event: RunEvent) => {
      response.write(`event: run-event\ndata: ${JSON.stringify(eventSummary(event))}\n\n`);
    };
    let seen = 0;
    const unsubscribe =
      runId === null
        ? bus.subscribe(forward)
        : bus.tailEvents(runId, (event) => {
            // The tail starts from the run's first event; the page has drawn those already.
            if (++seen > logged && event.type === 'task-step') forward(event);
          });
    const ping = setInterval(() => response.write(': ping\n\n'), SSE_PING_MS);
    const end = () => {
      if (!streams.delete(response)) return;
      clearInterval(ping);
      unsubscribe();
      // Ended by close(): its connection goes too, or its keep-alive would hold the server.
      response.end(() => {
        if (closed) response.socket?.destroy();
      });
    };
    streams.set(response, end);
    request.on('close', end);
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://dashboard').pathname;
    if (path === '/health') return send(response, { status: 200, body: { ok: true } });
    if (path === '/favicon.ico') {
      response.writeHead(204);
      response.end();
      return;
    }
    if (credentials && !hasCredentials(request, credentials)) {
      response.setHeader('WWW-Authenticate', 'Basic realm="codegod dashboard", charset="UTF-8"');
      return send(response, {
        status: 401,
        body: { error: 'The dashboard needs a login: DASHBOARD_USER and DASHBOARD_PASSWORD.' },
      });
    }
    if (!credentials && !isLoopbackHostHeader(request))
      return send(response, {
        status: 421,
        body: { error: 'Open the dashboard as 127.0.0.1 or localhost.' },
      });
    if (request.method === 'POST') {
      const given = request.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !sameSecret(given, csrfToken))
        return send(response, {
          status: 403,
          body: { error: `Refused: a change needs the page's CSRF token in ${CSRF_HEADER}.` },
        });
      const memoryChange = /^\/api\/agents\/([^/]+)\/(wipe|checkpoint|restore)$/.exec(path);
      if (!memoryChange) return send(response, { status: 404, body: { error: 'not found' } });
      const body = await readBody(request);
      return send(
        response,
        await api.changeMemory(
          decodeURIComponent(memoryChange[1] ?? ''),
          memoryChange[2] as 'wipe' | 'checkpoint' | 'restore',
          body,
        ),
      );
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, { status: 405, body: { error: 'GET or POST only' } });
    if (path === '/') {
      // Mounted at /dashboard, the page must be /dashboard/ for its relative links to resolve.
      const asked = new URL(
        (request as { originalUrl?: string }).originalUrl ?? request.url ?? '/',
        'http://dashboard',
      ).pathname;
      if (!asked.endsWith('/')) {
        response.writeHead(302, { location: `${asked}/` });
        response.end();
        return;
      }
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy':
          "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        'x-frame-options': 'DENY',
      });
      response.end(page);
      return;
    }
    const asset = assets.get(path);
    if (asset !== undefined) {
      response.writeHead(200, { 'content-type': asset.type });
      response.end(asset.text);
      return;
    }
    if (path === '/api/events') {
      const runId = new URL(request.url ?? '/', 'http://dashboard').searchParams.get('run');
      return streamEvents(request, response, runId);
    }
    if (path === '/api/overview') return send(response, await api.overview());
    if (path === '/api/agents') return send(response, await api.agents());
    const task = /^\/api\/runs\/([^/]+)\/tasks\/([^/]+)$/.exec(path);
    if (task)
      return send(
        response,
        await api.task(decodeURIComponent(task[1] ?? ''), decodeURIComponent(task[2] ?? '')),
      );
    const run = /^\/api\/runs\/([^/]+)$/.exec(path);
    if (run) return send(response, await api.run(decodeURIComponent(run[1] ?? '')));
    send(response, { status: 404, body: { error: 'not found' } });
  };

  return {
    handle(request, response) {
      route(request, response).catch((error: unknown) => {
        if (response.headersSent) response.end();
        else send(response, { status: 500, body: { error: String(error) } });
      });
    },
    close() {
      // Open event streams would keep a server from closing.
      closed = true;
      for (const end of [...streams.values()]) end();
    },
  };
}
