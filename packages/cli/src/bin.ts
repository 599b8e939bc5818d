#!/usr/bin/env node
import { runCli } from './program.js';

// A closed pipe (`codegod ... | head`) is a normal way to stop reading, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/** Resolves once everything written to `stream` has been handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('drain', resolve);
    stream.once('close', resolve);
  });
}

const code = await runCli(process.argv.slice(2));
// The command is done once runCli resolves; what still holds the event loop then is not its
// work. ioredis's reply parser, after a large reply such as a run report, keeps a 50 ms
// interval going for about a second, so `codegod build` and `codegod show` sat idle that long
// before exiting. Exit as soon as the output is out instead.
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
