import { CodegodError } from '@codegod/protocol';

/** The task bus was asked for work after its close began: its connections are going away. */
export class BusClosedError extends CodegodError {
  constructor() {
    super(
      'bus-closed',
      'The task bus is closed (its process is shutting down); start the service again to go on.',
    );
  }
}
