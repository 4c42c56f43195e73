#!/usr/bin/env bash
# The test command: installs prerequisites (apt packages, Python MCP peers, a Docker engine),
# builds everything, runs the packaging checks (hack/checks.sh) and every test target.
#
# Each test target runs as its own process, one after another: Swift's cooperative
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
tests_binary="$(swift build --show-bin-path)/mcp-operatorPackageTests.xctest"
# run_step NAME COMMAND...: runs one step under a time limit (MCP_STEP_TIMEOUT seconds, default
# 1200), in a session of its own with line-buffered output. Once the step ends, whatever it left
# running in its session is named and killed: a leftover helper process would keep the output pipe
# open, and whoever reads it waiting. The step's duration is listed at the end; a failure or a
# timeout is recorded without stopping the run.
run_step() {
  local name=$1 start status=0 session_file session leftovers
  shift
  log "running $name"
  start=$(date +%s)
  session_file=$(mktemp)
  # shellcheck disable=SC2016  # $$ and $0 belong to the inner shell
  timeout --kill-after=30 "${MCP_STEP_TIMEOUT:-1200}" \
    setsid --wait bash -c 'echo $$ >"$0"; exec stdbuf -oL -eL "$@"' "$session_file" "$@" || status=$?
  session=$(cat "$session_file")
  rm -f "$session_file"
  if [ -n "$session" ] && leftovers=$(pgrep -a -s "$session"); then
    printf 'warning: %s left these processes running; ending them:\n%s\n' "$name" "$leftovers" >&2
    pkill -KILL -s "$session" || true
  fi
  timings+=("$(printf '%6ds  %s' $(( $(date +%s) - start )) "$name")")
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "$name: timed out after ${MCP_STEP_TIMEOUT:-1200} s" >&2
    failed+=("$name (timed out)")
  elif [ "$status" -ne 0 ]; then
    failed+=("$name")
  fi
}
# `hack/test.sh TARGET...` runs only those test targets (and no packaging checks).
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  run_step "packaging checks (hack/checks.sh)" bash hack/checks.sh
  for dir in Tests/*/; do targets+=("$(basename "$dir")"); done
fi
# The test binary runs directly rather than under `swift test`, which waits for the end of its
# output pipe and so would hang on a helper process a test leaked. Every test is a Swift Testing
# test (there are no XCTest cases).
for target in "${targets[@]}"; do
  [ -d "Tests/$target" ] || { failed+=("$target (no such test target)"); continue; }
  run_step "$target" "$tests_binary" --testing-library swift-testing --filter "^$target\\."
done
log "time per step"
printf '%s\n' "${timings[@]}" >&2
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
log "every test target passed"
