#!/usr/bin/env bash
# The test command (`npm test`): brings the platform up if it is not (idempotent: installs, builds, starts the
# real servers and services), then runs every tier against it: unit, integration (real servers), e2e (HTTP
# through the running services), browser (the portal in Debian's chromium). Ends with one line "N passed, N failed".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/stack.sh up
bash scripts/check.sh
set -a; source .uhr/env; set +a
# Gas per operation against the committed snapshot: a rise of more than 1 % fails the run.
npm run -s bench:gas >"$ROOT/.uhr/logs/bench-gas.log" 2>&1 || { tail -n 40 "$ROOT/.uhr/logs/bench-gas.log"; exit 1; }
echo "test: gas within the snapshot"

report="$ROOT/.uhr/test-report.json"
rc=0
# In band: integration tests share the servers, and an outage test stops Kafka and the chain for real.
node --experimental-vm-modules node_modules/jest/bin/jest.js --runInBand --forceExit \
  --selectProjects unit int e2e browser --json --outputFile="$report" "$@" || rc=$?

node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$report" || true
exit "$rc"
