import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDashboardHandler } from './dashboard-handler.js';
import {
  type DashboardSettings,
  type DashboardSettingsOptions,
  resolveDashboardSettings,
} from './dashboard-settings.js';
import type { DashboardSources } from './dashboard-sources.js';

/** How long `close` lets a request that is being answered finish before cutting it. */
const CLOSE_GRACE_MS = 2_000;

/** Settings of `serveDashboard`: what it reads, plus DashboardSettingsOptions (env fallbacks). */
export interface DashboardServerOptions extends DashboardSettingsOptions {
  /** What the dashboard reads and changes. Required. */
  sources: DashboardSources;
  /** Settings resolved already (see resolveDashboardSettings); the other options are then ignored. */
  settings?: DashboardSettings;
}

/** A running dashboard. */
export interface DashboardServer {
  /** Where to open it, e.g. `http://127.0.0.1:3100/`. */
  url: string;
  settings: DashboardSettings;
  /** The address the server really listens on. */
  address: AddressInfo;
  close(): Promise<void>;
}

/**
 * Serves the dashboard on its own port (embedded `codegod build --ui`). Listens on 127.0.0.1
 * unless told otherwise; anywhere else it needs credentials (HTTP basic auth).
 */
export async function serveDashboard(options: DashboardServerOptions): Promise<DashboardServer> {
  const settings = options.settings ?? resolveDashboardSettings(options);
  const handler = await createDashboardHandler({
    sources: options.sources,
    credentials: settings.credentials,
  });
  const server = createServer((request, response) => handler.handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = ['0.0.0.0', '::'].includes(settings.host) ? '127.0.0.1' : settings.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}/`,
    settings,
    address,
    async close() {
      handler.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A browser's idle keep-alive connections would hold the close open.
      server.closeIdleConnections();
      // A request still being answered gets a moment to finish; then its connection is cut.
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
    },
  };
}
