#!/usr/bin/env bash
# Operates the codegod fleet: ./start-agents.sh up|down|logs|status|wipe|scale|restart.
# The verbs are `codegod fleet` (packages/fleet: docker-compose when a Docker engine answers,
# else pm2 on this machine); this wrapper only finds node, builds once and hands over.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLI="$ROOT/packages/cli/dist/bin.js"

if ! command -v node >/dev/null 2>&1; then
  echo "start-agents.sh: node is not installed (Node.js 20.19 or later)" >&2
  exit 1
fi
if [[ ! -f "$CLI" ]]; then
  if [[ ! -d "$ROOT/node_modules" ]]; then
    echo "start-agents.sh: run 'npm ci' first" >&2
    exit 1
  fi
  echo "start-agents.sh: $CLI is missing: building first with 'npm run build'" >&2
  (cd "$ROOT" && npm run build >&2)
fi
exec node "$CLI" fleet "$@"
