#!/usr/bin/env bash
# Builds every kustomize combination; fails on the first that does not build. kustomize comes from the Go
# module proxy (cached in .uhr/cache/go-bin).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.uhr/cache/go-bin"
if [[ ! -x $BIN/kustomize ]]; then
  mkdir -p "$BIN"
  GOBIN="$BIN" go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1 >/dev/null 2>&1 || { echo "k8s/check: could not install kustomize" >&2; exit 1; }
fi
for dir in overlays/dev overlays/prod platform; do
  out=$("$BIN/kustomize" build "$ROOT/k8s/$dir")
  # Development secrets apply only with UHR_STACK=local: no manifest may set it.
  if grep -q 'UHR_STACK' <<<"$out"; then echo "k8s/check: $dir sets UHR_STACK (local stacks only)" >&2; exit 1; fi
  printf 'k8s/check: %-15s builds (%s objects)\n' "$dir" "$(grep -c '^kind:' <<<"$out")"
done
