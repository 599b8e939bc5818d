import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CodegodError } from '@codegod/protocol';

/** A loopback proxy in front of an OpenAI-compatible server that counts chat calls per run. */
export interface MeteringProxy {
  /** The upstream's base URL, on the proxy (same path, e.g. http://127.0.0.1:PORT/v1). */
  readonly url: string;
  /** Chat completions forwarded for a run id (header x-codegod-run) so far. */
  callsOf(runId: string): number;
  close(): Promise<void>;
}

// Decision: a proxy rather than a field in the run report, so LLM calls are counted for any
// server and any codegod version the harness drives, repairs included, without touching the
// agents. It forwards bytes as they come; codegod's own deadlines and size caps still apply.

/** Starts a proxy to `upstream` (an http(s) base URL such as http://localhost:8000/v1). */
export async function startMeteringProxy(upstream: string): Promise<MeteringProxy> {
  let target: URL;
  try {
    target = new URL(upstream);
  } catch {
    throw new CodegodError(
      'usage',
      `--llm-url must be an http(s) URL (got ${JSON.stringify(upstream)})`,
    );
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new CodegodError(
      'usage',
      `--llm-url must be an http(s) URL (got ${JSON.stringify(upstream)})`,
    );
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const calls = new Map<string, number>();
  const server = createServer((incoming: IncomingMessage, outgoing) => {
    const runId = incoming.headers['x-codegod-run'];
    if (incoming.method === 'POST' && (incoming.url ?? '').endsWith('/chat/completions')) {
      const key = Array.isArray(runId) ? runId[0]! : (runId ?? '');
      calls.set(key, (calls.get(key) ?? 0) + 1);
    }
    const forwarded = send(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host },
      },
      (reply) => {
        outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ error: { message: `bench proxy: ${error.message}` } }));
    });
    // A client that gives up (codegod's deadline) ends the upstream request too.
    outgoing.on('close', () => forwarded.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const path = target.pathname.replace(/\/$/, '');
  return {
    url: `http://127.0.0.1:${port}${path}`,
    callsOf: (runId) => calls.get(runId) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
