#!/usr/bin/env bash
# The test command: installs prerequisites (apt packages, Python MCP peers, a Docker engine),
# builds everything, runs the packaging checks (hack/checks.sh) and every test target.
#
# Each test target runs as its own `swift test` process, one after another: Swift's cooperative
# thread pool has one thread per core (two here), and CPU-heavy suites of one module (the policy
# engine's corpus, the gateway's Python peers) would otherwise starve the timing-sensitive ones of
# another (leader election, watch bookmarks).
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
bash hack/setup.sh
bash hack/docker.sh
log "building (debug, with tests)"
swift build --build-tests
failed=()
timings=()
# run_step NAME COMMAND...: runs one step under a time limit (MCP_STEP_TIMEOUT seconds, default
# 1200), records how long it took, and records a failure (a timeout says so) without stopping.
run_step() {
  local name=$1 start status=0
  shift
  log "running $name"
  start=$(date +%s)
  timeout --kill-after=30 "${MCP_STEP_TIMEOUT:-1200}" "$@" || status=$?
  timings+=("$(printf '%6ds  %s' $(( $(date +%s) - start )) "$name")")
  if [ "$status" -eq 124 ]; then
    echo "$name: timed out after ${MCP_STEP_TIMEOUT:-1200} s" >&2
    failed+=("$name (timed out)")
  elif [ "$status" -ne 0 ]; then
    failed+=("$name")
  fi
}
run_step "packaging checks (hack/checks.sh)" bash hack/checks.sh
for dir in Tests/*/; do
  target=$(basename "$dir")
  run_step "$target" swift test --skip-build --filter "^$target\\."
done
log "time per step"
printf '%s\n' "${timings[@]}" >&2
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
log "every test target passed"
