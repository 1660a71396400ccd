#!/usr/bin/env bash
# Static checks that need no server: types, lint, docker-compose.yml (compose-go), every k8s combination.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
for p in packages/platform contracts services/*; do
  [[ -f $p/tsconfig.json ]] && npx tsc -p "$p/tsconfig.json" --noEmit
done
echo "check: types ok"
npx eslint packages services
echo "check: lint ok"
npm run -s format >/dev/null || { npm run -s format; echo "check: run npx prettier --write on the files above" >&2; exit 1; }
echo "check: format ok"
(cd tools/compose-check && go run . ../../docker-compose.yml)
bash k8s/check.sh
