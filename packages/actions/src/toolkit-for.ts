import type { WorkerRole } from '@codegod/protocol';
import type { RoleToolkit } from './action.js';
import { backendToolkit } from './roles/backend/toolkit.js';
import { type DevopsToolkitOptions, devopsToolkit } from './roles/devops/toolkit.js';
import { frontendToolkit } from './roles/frontend/toolkit.js';
import { testingToolkit } from './roles/testing/toolkit.js';

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
