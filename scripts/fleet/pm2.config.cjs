// pm2 ecosystem of the local runtime. start-agents.sh runs `pm2 start` on this file with
// CODEGOD_ROOT, CODEGOD_STATE_DIR and the fleet's settings in the environment.
'use strict';

const { fleetApps, readReplicas } = require('./fleet-apps.cjs');

module.exports = {
  apps: fleetApps(process.env, readReplicas(process.env.CODEGOD_STATE_DIR || '')),
};
