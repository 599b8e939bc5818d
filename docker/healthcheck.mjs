// Container healthcheck for every codegod Node service (no dependencies, so it runs in any image).
//
// Healthy means: the service can reach Redis with its REDIS_URL (AUTH + PING), and the master
// also answers HTTP on BULL_BOARD_PORT. Node is PID 1's child under `init: true`, so a crashed
// service already stops its container; this catches a service that is up but cut off.
// Exit 0 healthy, 1 unhealthy (the reason goes to stderr, which `docker inspect` shows).
import { request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';

const TIMEOUT_MS = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 4000);

/** Encodes one Redis command in RESP. */
function resp(...args) {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** Resolves when Redis at `url` answers PING with PONG after AUTH, when the URL has a password. */
export function pingRedis(url, timeoutMs = TIMEOUT_MS) {
  const parsed = new URL(url);
  const port = Number(parsed.port || 6379);
  const host = parsed.hostname || '127.0.0.1';
  const password = decodeURIComponent(parsed.password);
  const username = decodeURIComponent(parsed.username);
  const commands = [];
  if (password) commands.push(username ? resp('AUTH', username, password) : resp('AUTH', password));
  commands.push(resp('PING'));
  return new Promise((resolve, reject) => {
    const socket =
      parsed.protocol === 'rediss:'
        ? connectTls({ host, port, servername: host })
        : connectTcp({ host, port });
    let received = '';
    const fail = (reason) => {
      socket.destroy();
      reject(new Error(reason));
    };
    socket.setTimeout(timeoutMs, () => fail(`redis at ${host}:${port} did not answer in time`));
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', () =>
      socket.write(commands.join('')),
    );
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.startsWith('-')) fail(`redis refused: ${received.split('\r\n')[0]}`);
      else if (received.includes('+PONG')) {
        socket.end();
        resolve();
      }
    });
    socket.on('error', (error) => fail(`redis at ${host}:${port}: ${error.message}`));
  });
}

/** Resolves when something answers HTTP on 127.0.0.1:`port` with a status below 500. */
export function probeHttp(port, timeoutMs = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: timeoutMs }, (res) => {
      res.resume();
      if ((res.statusCode ?? 500) < 500) resolve();
      else reject(new Error(`HTTP ${res.statusCode} on port ${port}`));
    });
    req.on('timeout', () => req.destroy(new Error(`no HTTP answer on port ${port} in time`)));
    req.on('error', reject);
    req.end();
  });
}

async function main() {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('REDIS_URL is not set');
  await pingRedis(redisUrl);
  if (process.env.AGENT_ROLE === 'master')
    await probeHttp(Number(process.env.BULL_BOARD_PORT ?? 3000));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`unhealthy: ${error.message}\n`);
      process.exit(1);
    },
  );
}
