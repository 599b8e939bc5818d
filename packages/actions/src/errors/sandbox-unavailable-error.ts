import { CodegodError } from '@codegod/protocol';

/**
 * The chosen command runner cannot work here (no working bwrap, `container` outside a
 * container). Commands are refused rather than run with less confinement than asked for.
 */
export class SandboxUnavailableError extends CodegodError {
  constructor(message: string) {
    super('sandbox-unavailable', message);
  }
}
