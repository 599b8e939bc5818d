import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';

/** A whole reply: status, headers, and the body as decoded bytes. */
export interface Exchanged {
  status: number;
  statusText: string;
  headers: Headers;
  body: Buffer;
}

/** Why an exchange stopped before it had the whole reply; `exchange` throws it. */
export class ExchangeError extends Error {
  constructor(
    /**
     * `not-http`: something answered on the port, but not HTTP (or, for https, not TLS);
     * `hung-up`: the connection was accepted, then closed before any answer.
     */
    readonly kind: 'connect' | 'not-http' | 'hung-up' | 'too-large' | 'broken',
    /** The reply's status when its headers had come in. */
    readonly status: number | undefined,
    /** Body bytes received before it stopped. */
    readonly received: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'ExchangeError';
  }
}

/**
 * Idle connections are closed after this long, before the servers' own keep-alive timeouts
 * (5 s for uvicorn, which serves vLLM, and for Node's http server) can close them under a
 * request.
 */
const IDLE_SOCKET_MS = 4_000;
const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

const DECODERS: Record<string, typeof gunzip> = {
  gzip: gunzip,
  'x-gzip': gunzip,
  deflate: inflate,
  br: brotliDecompress,
};

/** Whether `exchange` can send this request itself (a plain URL and a text or byte body). */
export function canExchange(input: string | URL | Request, init: RequestInit | undefined): boolean {
  if (input instanceof Request) return false;
  const protocol =
    typeof input === 'string' ? input.slice(0, input.indexOf(':') + 1) : input.protocol;
  if (protocol !== 'http:' && protocol !== 'https:') return false;
  const body = init?.body;
  return body == null || typeof body === 'string' || body instanceof Uint8Array;
}

/**
 * One HTTP/1.1 request over a kept-alive connection, its whole reply read into memory: node's
 * http client, without the web streams and per-request objects of the global fetch, which cost
 * several times its CPU per call (scripts/bench/llm-transport.ts). Reads at most `maxBytes` of
 * body (before and after decoding gzip, deflate or br); `signal` ends it at any point, with
 * the signal's reason. A request whose reused idle connection the server had just closed is
 * sent once more on a new connection outside the pool (nothing of it was answered). Redirects
 * are not followed: a 3xx comes back as it is (the caller asks the global fetch then).
 */
export async function exchange(
  url: string | URL,
  init: RequestInit | undefined,
  maxBytes: number,
): Promise<Exchanged> {
  const signal = init?.signal ?? undefined;
  signal?.throwIfAborted();
  try {
    return await once(url, init, maxBytes, signal, true);
  } catch (error) {
    if (!(error instanceof StaleSocket)) throw error;
    // Not through the pool: a server whose idle timeout closed one kept-alive connection has
    // often closed the others it held at the same moment.
    return once(url, init, maxBytes, signal, false);
  }
}

/**
 * Whether a request failed because the other end answered in another protocol: node's HTTP
 * parser refused its first bytes (`HPE_*`: Redis, SSH, a database on the port), or a TLS
 * handshake met a plain-text server (OpenSSL's "wrong version number"; other TLS failures,
 * such as a version or cipher no side accepts, are not this).
 */
function notHttp(error: NodeJS.ErrnoException): boolean {
  const code = error.code ?? '';
  if (code.startsWith('HPE_') || code === 'ERR_SSL_WRONG_VERSION_NUMBER') return true;
  return code === 'EPROTO' && /wrong version number/i.test(error.message);
}

/** A kept-alive connection the server closed before answering anything on it. */
class StaleSocket extends Error {}

/** How writing to, or reading from, a kept-alive connection the server has closed fails. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

function once(
  url: string | URL,
  init: RequestInit | undefined,
  maxBytes: number,
  signal: AbortSignal | undefined,
  pooled: boolean,
): Promise<Exchanged> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const secure = target.protocol === 'https:';
  const body = init?.body as string | Uint8Array | null | undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of new Headers(init?.headers ?? undefined)) headers[name] = value;
  if (body != null) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise<Exchanged>((resolve, reject) => {
    let settled = false;
    let status: number | undefined;
    let received = 0;
    const finish = (error: unknown, value?: Exchanged) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve(value!);
      else {
        request.destroy();
        reject(error);
      }
    };
    const onAbort = () => finish(signal!.reason ?? new DOMException('aborted', 'AbortError'));
    const request = (secure ? httpsRequest : httpRequest)(target, {
      method: init?.method ?? 'GET',
      headers,
      agent: pooled ? agents[secure ? 'https:' : 'http:'] : false,
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    let connected = false;
    request.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => (connected = true));
      else connected = true;
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (status !== undefined) {
        finish(new ExchangeError('broken', status, received, error));
        return;
      }
      // Nothing was answered yet: say why the other end gave no reply.
      const stale = STALE_SOCKET_CODES.has(error.code ?? '');
      if (request.reusedSocket && stale) finish(new StaleSocket());
      else {
        const kind = notHttp(error) ? 'not-http' : connected && stale ? 'hung-up' : 'connect';
        finish(new ExchangeError(kind, status, received, error));
      }
    });
    request.on('response', (response: IncomingMessage) => {
      status = response.statusCode ?? 0;
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        finish(new ExchangeError('too-large', status, 0, new Error('declared too large')));
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes)
          finish(new ExchangeError('too-large', status, received, new Error('too large')));
        else chunks.push(chunk);
      });
      response.on('error', (error) => finish(new ExchangeError('broken', status, received, error)));
      response.on('close', () => {
        if (!response.complete)
          finish(new ExchangeError('broken', status, received, new Error('the reply ended early')));
      });
      response.on('end', () => {
        try {
          onEnd(response, Buffer.concat(chunks));
        } catch (error) {
          // Nothing a server sends may throw out of an event handler and end the process.
          finish(new ExchangeError('broken', status, received, error));
        }
      });
    });
    const onEnd = (response: IncomingMessage, raw: Buffer) => {
      const replyHeaders = new Headers();
      const pairs = response.rawHeaders;
      for (let i = 0; i + 1 < pairs.length; i += 2) replyHeaders.append(pairs[i]!, pairs[i + 1]!);
      const encoding = replyHeaders.get('content-encoding')?.trim().toLowerCase();
      const decode = encoding && encoding !== 'identity' ? DECODERS[encoding] : undefined;
      const done = (decoded: Buffer) =>
        finish(undefined, {
          status: status!,
          statusText: response.statusMessage ?? '',
          headers: replyHeaders,
          body: decoded,
        });
      if (!decode) {
        done(raw);
        return;
      }
      decode(raw, { maxOutputLength: maxBytes }, (error, decoded) => {
        if (!error) done(decoded);
        else if (
          error instanceof RangeError ||
          (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
        )
          finish(new ExchangeError('too-large', status, received, error));
        else finish(new ExchangeError('broken', status, received, error));
      });
    };
    request.end(body ?? undefined);
  });
}
