#!/usr/bin/env node
// A committed entry, so `npm ci` links `codegod` before anything is built; the CLI is in dist/.
import('../dist/bin.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    process.stderr.write('codegod: the CLI is not built yet; run `npm run build` first\n');
    process.exit(2);
  }
  throw error;
});
