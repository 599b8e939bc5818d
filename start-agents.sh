#!/usr/bin/env bash
# Operates the codegod fleet. Placeholder until the fleet issue lands.
set -euo pipefail
echo "start-agents.sh: the fleet is not built yet; use 'npx codegod --help'" >&2
exit 2
