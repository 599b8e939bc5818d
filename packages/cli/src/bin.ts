#!/usr/bin/env node
import { runCli } from './program.js';

// A closed pipe (`codegod ... | head`) is a normal way to stop reading, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
