'use strict';
// The gate of a spare Node interpreter (packages/actions/src/sandbox/spares/). The spare runs
// `node -r <this file> <the command's own arguments>`: Node starts up in full, runs this
// preload, and this blocks on fd 3 until the worker sends the go byte at Validate. It answers
// `1`, closes fd 3, takes itself out of process.execArgv and the require cache, and returns:
// Node then runs the command line exactly as given (the -e script through Node's own eval
// path, so its stack traces and exit are those of a fresh `node -e`). An end of input instead
// of the go byte means the spare was not needed: it exits without a word.
const { closeSync, readSync, writeSync } = require('node:fs');

const go = Buffer.alloc(1);
let read = 0;
for (;;) {
  try {
    read = readSync(3, go, 0, 1, null);
    break;
  } catch (error) {
    if (error.code !== 'EAGAIN') throw error;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  }
}
if (read !== 1) process.exit(0);
writeSync(3, '1');
closeSync(3);
const at = process.execArgv.indexOf(__filename);
if (at > 0) process.execArgv.splice(at - 1, 2);
delete require.cache[__filename];
