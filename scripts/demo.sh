#!/usr/bin/env bash
# The README's first command: from a fresh clone to the demo stack running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-engine.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build
bash scripts/images.sh
cd compose/demo
exec ../../bin/devstack up "$@"
