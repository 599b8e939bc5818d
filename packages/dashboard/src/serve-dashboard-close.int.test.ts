import { Agent, get, type IncomingMessage } from 'node:http';
import { createInProcessTaskBus, type InProcessTaskBus } from '@codegod/bus';
import { createInMemoryMemoryStore } from '@codegod/memory';
import { settled } from '@codegod/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { DashboardSources } from './dashboard-sources.js';
import { type DashboardServer, serveDashboard } from './serve-dashboard.js';

/** `target` with its method `name` replaced by `method`; its other methods bound to it. */
function replacing<T extends object>(target: T, name: keyof T, method: unknown): T {
  return new Proxy(target, {
    get(object, property) {
      if (property === name) return method;
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** Opens an event stream and resolves once its first bytes (the retry line) are in. */
function openStream(url: string, agent: Agent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      response.once('data', () => resolve(response));
    }).on('error', reject);
  });
}

// Ctrl-C on `codegod build --ui --ui-keep` closes the dashboard while a browser still holds
// event streams and reconnects them (EventSource retries after 2 s, over a kept-alive socket
// when it can). The close must finish anyway: before, a stream opened during or after it was
// never ended, and the CLI waited for it forever.
describe('serveDashboard close with a browser still attached', () => {
  let bus: InProcessTaskBus | undefined;
  let dashboard: DashboardServer | undefined;
  afterEach(async () => {
    await bus?.close();
  });

  async function start(sources: Partial<DashboardSources> = {}) {
    bus = createInProcessTaskBus();
    dashboard = await serveDashboard({
      sources: {
        bus,
        memory: createInMemoryMemoryStore(),
        tokenUsage: async () => ({ total: 0, by_role: {} }),
        ...sources,
      },
      env: { DASHBOARD_PORT: '0' },
    });
    return dashboard;
  }

  it('closes while a stream is still being set up, and refuses that stream', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked: () => void = () => {};
    const counting = new Promise<void>((resolve) => {
      asked = resolve;
    });
    const realBus = createInProcessTaskBus();
    // The run's event count (read before a run's stream starts) answers only when released.
    const slowBus = replacing(realBus, 'eventCount', async (runId: string) => {
      asked();
      await held;
      return realBus.eventCount(runId);
    });
    const server = await start({ bus: slowBus });
    const agent = new Agent({ keepAlive: true });
    const stream = openStream(`${server.url}api/events?run=run-x`, agent);
    await counting;
    const closing = server.close();
    release();
    expect(await settled(closing, 5_000)).toBeUndefined();
    // The stream asked for before the close is refused, not opened after it.
    const answered = await settled(
      stream.then((response) => response.statusCode),
      5_000,
    );
    expect(answered).toBe(503);
    agent.destroy();
    await realBus.close();
  });

  it('closes when a request being answered never finishes, cutting it after a grace', async () => {
    const memory = createInMemoryMemoryStore();
    let asked: () => void = () => {};
    const listing = new Promise<void>((resolve) => {
      asked = resolve;
    });
    // The agents' list never answers: the request for it stays in flight.
    const stuck = replacing(memory, 'listAgents', () => {
      asked();
      return new Promise(() => {});
    });
    const server = await start({ memory: stuck });
    const request = fetch(`${server.url}api/agents`).then(
      (response) => response.status,
      () => 'cut',
    );
    await listing;
    expect(await settled(server.close(), 10_000)).toBeUndefined();
    expect(await settled(request, 5_000)).toBe('cut');
  });

  it('closes when the browser opens its streams again over a kept-alive socket', async () => {
    const server = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await openStream(`${server.url}api/events`, agent);
    // As EventSource does: when the stream ends, ask for it again at once.
    const again = new Promise<number | undefined>((resolve) => {
      first.on('end', () => {
        get(`${server.url}api/events`, { agent }, (response) => {
          resolve(response.statusCode);
          response.resume();
        }).on('error', () => resolve(undefined));
      });
      first.resume();
    });
    expect(await settled(server.close(), 5_000)).toBeUndefined();
    // A stream asked for after the close is refused or never opened, not kept open.
    expect(await settled(again, 5_000)).not.toBe(200);
    agent.destroy();
  });
});
