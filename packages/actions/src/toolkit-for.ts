import type { WorkerRole } from '@codegod/protocol';
import type { RoleToolkit } from './action.js';
import { backendToolkit } from './backend/backend-toolkit.js';
import { type DevopsToolkitOptions, devopsToolkit } from './devops/devops-toolkit.js';
import { frontendToolkit } from './frontend/frontend-toolkit.js';
import { testingToolkit } from './testing-role/testing-toolkit.js';

/** The toolkit of `role`. Devops-only settings (dockerHost) are ignored by the other roles. */
export function toolkitFor(role: WorkerRole, options: DevopsToolkitOptions = {}): RoleToolkit {
  const { dockerHost, pingTimeoutMs, ...sandboxOptions } = options;
  switch (role) {
    case 'backend':
      return backendToolkit(sandboxOptions);
    case 'frontend':
      return frontendToolkit(sandboxOptions);
    case 'devops':
      return devopsToolkit(options);
    case 'testing':
      return testingToolkit(sandboxOptions);
  }
}
