import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from '@codegod/config';

/** The SHA-256 of `text`, so secrets of any length compare in constant time. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** True when `given` equals `expected`, compared in constant time. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** True when the request carries HTTP basic auth with exactly `credentials`. */
export function hasCredentials(
  request: IncomingMessage,
  credentials: { user: string; password: string },
): boolean {
  const [scheme, encoded] = (request.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !encoded) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // Both compared every time: the answer must not tell which one was wrong, or how early.
  const userOk = sameSecret(decoded.slice(0, Math.max(colon, 0)), credentials.user);
  const passwordOk = sameSecret(decoded.slice(colon + 1), credentials.password);
  return colon >= 0 && userOk && passwordOk;
}

/**
 * True when the Host header names this machine. Without a login the dashboard answers only
 * such requests, so a web page whose name was rebound to 127.0.0.1 cannot read it.
 */
export function isLoopbackHostHeader(request: IncomingMessage): boolean {
  const host = request.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':')[0];
  return isLoopbackHost(name ?? '');
}

/** A fresh CSRF token: the page carries it, and every POST must send it back. */
export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}
