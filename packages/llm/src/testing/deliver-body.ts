import type { ServerResponse } from 'node:http';
import { FAULT_DEFAULTS, type ScriptedRule, type TransportFault } from './scripted-rule.js';

/** Timers a delivery starts, so the server's close() can stop them. */
export type DeliveryTimers = Set<NodeJS.Timeout>;

// What a reverse proxy answers when the model server behind it is down. The escape sequences
// check that nothing a server sends reaches the user's terminal unfiltered.
const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body>\x1b]0;pwned\x07\x1b[2J<h1>Bad Gateway</h1></body></html>\n';
const PLAIN_TEXT =
  'upstream connect error or disconnect/reset before headers. reset reason: connection termination\n';

/** Sends `body` (a JSON document) with status 200, or plays `fault` on the way. */
export function deliverBody(
  response: ServerResponse,
  body: string,
  fault: TransportFault | undefined,
  rule: ScriptedRule | undefined,
  timers: DeliveryTimers,
): void {
  if (response.destroyed || response.headersSent) return;
  if (fault === undefined) send(response, 'application/json', body);
  else if (fault === 'html') send(response, 'text/html; charset=utf-8', HTML_PAGE);
  else if (fault === 'text-plain') send(response, 'text/plain', PLAIN_TEXT);
  else if (fault === 'not-json')
    send(response, 'application/json', body.slice(0, Math.ceil(body.length / 2)));
  else if (fault === 'trickle')
    trickle(response, body, rule?.trickleMs ?? FAULT_DEFAULTS.trickleMs, timers);
  else if (fault === 'broken-chunking') brokenChunking(response, body);
  else huge(response, body, rule?.replyBytes ?? FAULT_DEFAULTS.replyBytes);
}

function send(response: ServerResponse, contentType: string, body: string): void {
  response.writeHead(200, { 'content-type': contentType });
  response.end(body);
}

/** Headers now, then one byte of the body every `everyMs`: a stalled stream, not a hang. */
function trickle(
  response: ServerResponse,
  body: string,
  everyMs: number,
  timers: DeliveryTimers,
): void {
  const bytes = Buffer.from(body);
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
  response.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    if (response.destroyed || sent >= bytes.length) {
      clearInterval(timer);
      timers.delete(timer);
      if (!response.destroyed) response.end();
      return;
    }
    response.write(bytes.subarray(sent, sent + 1));
    sent++;
  }, everyMs);
  timers.add(timer);
  response.once('close', () => {
    clearInterval(timer);
    timers.delete(timer);
  });
}

/** A chunked body whose second chunk size is not hexadecimal, then the connection closes. */
function brokenChunking(response: ServerResponse, body: string): void {
  const half = Buffer.from(body.slice(0, Math.ceil(body.length / 2)));
  const head =
    'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n';
  // Written on the socket itself: Node's own chunked encoder cannot produce bad framing.
  response.socket?.end(
    Buffer.concat([
      Buffer.from(`${head}${half.length.toString(16)}\r\n`),
      half,
      Buffer.from('\r\nZZ not a chunk size\r\n\r\n'),
    ]),
  );
}

/**
 * `body` with a `padding` field of `size` bytes put first, streamed in 64 KiB pieces with
 * back-pressure, so a 200 MB reply costs the test process no 200 MB string.
 */
function huge(response: ServerResponse, body: string, size: number): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  const piece = Buffer.alloc(64 * 1024, 'a');
  let left = size;
  const pump = () => {
    while (left > 0 && !response.destroyed) {
      const chunk = left >= piece.length ? piece : piece.subarray(0, left);
      left -= chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!response.destroyed) response.end(body === '{}' ? '"}' : `",${body.slice(1)}`);
  };
  response.write('{"padding":"');
  pump();
}
