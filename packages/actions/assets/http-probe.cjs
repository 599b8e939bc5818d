'use strict';
// codegod's probe for an `http` acceptance check. The sandbox runs it with `node -e` through
// the same CommandRunner as every action, so the service and the request share one sandbox
// (and one network namespace when the runner unshares the network). It starts the service as
// its own child, waits for the port on 127.0.0.1, sends one request, stops the service and
// prints one line: MARKER followed by a JSON verdict. The service stays in the probe's process
// group, so the runner's kill of that group on timeout or stop() takes the service with it.
// Input: process.argv[1], JSON {file, args, port, method, path, status, bodyRegex,
// startupTimeoutMs, requestTimeoutMs, stopGraceMs}.
const net = require('node:net');
const http = require('node:http');
const { spawn } = require('node:child_process');

const MARKER = 'codegod-http-check ';
const OUTPUT_KEPT = 4000;
const BODY_KEPT = 1024 * 1024;
const BODY_SHOWN = 1000;

const config = JSON.parse(process.argv[1]);
const verdict = {
  failures: [],
  status: null,
  body: '',
  service_exit_code: null,
  service_output: '',
};
let service;
let serviceOutput = '';
let serviceExit = null;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const keep = (chunk) => {
  serviceOutput = (serviceOutput + chunk).slice(-OUTPUT_KEPT);
};

/** True when something accepts connections on 127.0.0.1:port. */
function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Sends the check's request; resolves with the status and the body (its first MiB). */
function request() {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: config.port,
        method: config.method,
        path: config.path,
        headers: { connection: 'close' },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          if (body.length < BODY_KEPT) body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode, body }));
        response.on('error', reject);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no response within ${config.requestTimeoutMs} ms`)),
      config.requestTimeoutMs,
    );
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end();
  });
}

function describeExit(exit) {
  if (exit.error) return `could not start: ${exit.error}`;
  return exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`;
}

/** Stops the service: SIGTERM, then SIGKILL after the grace period. */
async function stopService(exited) {
  if (!service || serviceExit !== null) return;
  service.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(config.stopGraceMs)]);
  if (stopped !== true) {
    service.kill('SIGKILL');
    await exited;
  }
}

async function check() {
  if (await portOpen(config.port)) {
    verdict.failures.push(`port ${config.port} was already in use before the service started`);
    return;
  }
  service = spawn(config.file, config.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => {
    service.once('exit', (code, signal) => {
      serviceExit = serviceExit ?? { code, signal };
      resolve();
    });
    service.once('error', (error) => {
      serviceExit = serviceExit ?? { code: null, signal: null, error: error.message };
      resolve();
    });
  });
  service.stdout.on('data', keep);
  service.stderr.on('data', keep);
  try {
    const deadline = Date.now() + config.startupTimeoutMs;
    let open = false;
    while (!open && serviceExit === null && Date.now() < deadline) {
      open = await portOpen(config.port);
      if (!open) await sleep(100);
    }
    if (!open) {
      verdict.failures.push(
        serviceExit !== null
          ? `the service ended (${describeExit(serviceExit)}) before opening port ${config.port}`
          : `the service did not open port ${config.port} within ${config.startupTimeoutMs} ms`,
      );
      return;
    }
    let response;
    try {
      response = await request();
    } catch (error) {
      verdict.failures.push(`${config.method} ${config.path} failed: ${error.message}`);
      return;
    }
    verdict.status = response.status;
    verdict.body = response.body.slice(0, BODY_SHOWN);
    if (response.status !== config.status) {
      verdict.failures.push(
        `${config.method} ${config.path} returned ${response.status}, expected ${config.status}`,
      );
    }
    if (config.bodyRegex !== null && !new RegExp(config.bodyRegex, 'm').test(response.body)) {
      verdict.failures.push(`the body does not match /${config.bodyRegex}/`);
    }
  } finally {
    await stopService(exited);
    if (serviceExit && typeof serviceExit.code === 'number') {
      verdict.service_exit_code = serviceExit.code;
    }
  }
}

function report() {
  verdict.service_output = serviceOutput;
  // Exit once the line is written, even if a stray pipe would keep the event loop alive.
  process.stdout.write(`${MARKER}${JSON.stringify(verdict)}\n`, () => process.exit(0));
}

// A runner that stops the probe politely takes the service down first.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => {
    if (service && serviceExit === null) service.kill('SIGKILL');
    process.exit(1);
  });
}

check().then(report, (error) => {
  verdict.failures.push(`the probe failed: ${error?.message ?? error}`);
  if (service && serviceExit === null) service.kill('SIGKILL');
  report();
});
