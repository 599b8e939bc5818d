import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One request the stand-in engine received. */
export interface DockerRequest {
  method: string;
  /** The path without the query, e.g. `/containers/create`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; for /build, `{ files }` listing the context tarball's entries. */
  body: unknown;
}

/** Settings for `startFakeDockerServer`. */
export interface FakeDockerServerOptions {
  /** Exit code every `/containers/{id}/wait` reports. Default: 0. */
  exitCode?: number;
  /** When set, `/build` streams this as the build's error. Default: the build succeeds. */
  buildError?: string;
}

/** A running stand-in Docker Engine API on a unix socket. */
export interface FakeDockerServer {
  /** `unix:///…/docker.sock`, to pass as `dockerHost`. */
  readonly dockerHost: string;
  readonly socketPath: string;
  /** Every request so far, in order. */
  readonly requests: DockerRequest[];
  stop(): Promise<void>;
}

/** Entry names of an uncompressed tar archive (ustar headers, 512-byte blocks). */
function tarEntries(tar: Buffer): string[] {
  const names: string[] = [];
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    const name = header.subarray(0, 100).toString().replace(/\0.*$/s, '');
    if (name === '') break;
    const prefix = header.subarray(345, 500).toString().replace(/\0.*$/s, '');
    const size = Number.parseInt(
      header.subarray(124, 136).toString().replace(/\0.*$/s, '').trim() || '0',
      8,
    );
    names.push(prefix ? `${prefix}/${name}` : name);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

/**
 * Starts a stand-in for the Docker Engine API answering the endpoints dockerode uses for
 * the devops actions (/_ping, /version, /build, /images/json, /containers/create, start,
 * wait, DELETE), recording each request. Anything else gets a 404 naming the path.
 */
export async function startFakeDockerServer(
  options: FakeDockerServerOptions = {},
): Promise<FakeDockerServer> {
  const socketPath = join(tmpdir(), `codegod-docker-${randomUUID()}.sock`);
  const requests: DockerRequest[] = [];
  let containers = 0;
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const raw = await readBody(request);
    let body: unknown = null;
    if (path === '/build') {
      const tar = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
      body = { files: tarEntries(tar) };
    } else if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString());
      } catch {
        body = raw.toString();
      }
    }
    requests.push({
      method: request.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      body,
    });
    const route = `${request.method} ${path}`;
    if (route === 'GET /_ping' || route === 'HEAD /_ping') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('OK');
    } else if (route === 'GET /version') {
      json(response, 200, { Version: '27.0.0-fake', ApiVersion: '1.46' });
    } else if (route === 'GET /images/json') {
      json(response, 200, []);
    } else if (route === 'POST /build') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(`${JSON.stringify({ stream: 'Step 1/1 : FROM scratch\n' })}\r\n`);
      response.end(
        options.buildError
          ? `${JSON.stringify({ error: options.buildError, errorDetail: { message: options.buildError } })}\r\n`
          : `${JSON.stringify({ aux: { ID: 'sha256:fake' } })}\r\n${JSON.stringify({ stream: 'Successfully built fake\n' })}\r\n`,
      );
    } else if (route === 'POST /containers/create') {
      containers += 1;
      json(response, 201, { Id: `fake-container-${containers}`, Warnings: [] });
    } else if (request.method === 'POST' && /^\/containers\/[^/]+\/start$/.test(path)) {
      response.writeHead(204);
      response.end();
    } else if (request.method === 'POST' && /^\/containers\/[^/]+\/wait$/.test(path)) {
      json(response, 200, { StatusCode: options.exitCode ?? 0 });
    } else if (request.method === 'DELETE' && /^\/containers\/[^/]+$/.test(path)) {
      response.writeHead(204);
      response.end();
    } else {
      json(response, 404, { message: `fake docker: no route for ${route}` });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    dockerHost: `unix://${socketPath}`,
    socketPath,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}
