import { onStopSignals } from '@codegod/config';
import {
  type DashboardServer,
  type DashboardSettings,
  type DashboardSources,
  serveDashboard,
} from '@codegod/dashboard';
import { CodegodError } from '@codegod/protocol';

/** `--ui` settings of an embedded build. */
export interface EmbeddedDashboardOptions {
  /** The server's address and login, resolved before anything starts. */
  settings: DashboardSettings;
  /** Seconds the dashboard stays up after the run ends (`--ui-keep`); Ctrl-C ends it early. */
  keepSeconds: number;
}

/** Starts the dashboard over the embedded fleet; a port in use is a one-line error. */
export async function startEmbeddedDashboard(
  sources: DashboardSources,
  settings: DashboardSettings,
): Promise<DashboardServer> {
  try {
    return await serveDashboard({ sources, settings });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CodegodError(
      'usage',
      `--ui: the dashboard cannot listen on ${settings.host}:${settings.port} (${code}); pick another port with DASHBOARD_PORT`,
    );
  }
}

/** Resolves after `seconds`, or at once on Ctrl-C, so the user can look at the finished run. */
export function keepServing(seconds: number, output: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      stopInterrupts();
      resolve();
    };
    const timer = setTimeout(stop, seconds * 1000);
    const stopInterrupts = onStopSignals(stop, { signals: ['SIGINT'] });
    output.write(`codegod: the dashboard stays up for ${seconds}s (Ctrl-C to stop now)\n`);
  });
}
