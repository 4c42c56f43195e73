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
failed_outputs=()
timings=()
tests_binary="$(swift build --show-bin-path)/mcp-operatorPackageTests.xctest"
outputs=$(mktemp -d)
trap 'rm -rf "$outputs"' EXIT
# run_step NAME COMMAND...: runs one step under a time limit (MCP_STEP_TIMEOUT seconds, default
# 1200), in a session of its own with line-buffered output. The output goes to a file, shown as it
# grows; a failed step's failures and last lines are shown again at the end of the run, so the end
# of the log says why. Once the step ends, whatever it left running in its session is named and
# killed (a leftover helper would otherwise keep writing, or keep a pipe open). The step's duration
# is listed at the end; a failure or a timeout is recorded without stopping the run.
run_step() {
  local name=$1 start status=0 session_file session leftovers output step_pid tail_pid
  shift
  log "running $name"
  start=$(date +%s)
  session_file=$(mktemp)
  output="$outputs/${#timings[@]}.log"
  : >"$output"
  # shellcheck disable=SC2016  # $$ and $0 belong to the inner shell
  timeout --kill-after=30 "${MCP_STEP_TIMEOUT:-1200}" \
    setsid --wait bash -c 'echo $$ >"$0"; exec stdbuf -oL -eL "$@"' "$session_file" "$@" \
    >"$output" 2>&1 </dev/null &
  step_pid=$!
  tail -n +1 -f --pid="$step_pid" "$output" &
  tail_pid=$!
  wait "$step_pid" || status=$?
  wait "$tail_pid" || true
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
    failed_outputs+=("$name|$output")
  elif [ "$status" -ne 0 ]; then
    echo "$name: failed (exit status $status)" >&2
    failed+=("$name")
    failed_outputs+=("$name|$output")
  fi
}
# `hack/test.sh TARGET...` runs only those test targets (and no packaging checks).
targets=("$@")
checks=no
if [ ${#targets[@]} -eq 0 ]; then
  checks=yes
  for dir in Tests/*/; do targets+=("$(basename "$dir")"); done
fi
# The test binary runs directly rather than under `swift test`, which waits for the end of its
# output pipe and so would hang on a helper process a test leaked. Every test is a Swift Testing
# test (there are no XCTest cases).
for target in "${targets[@]}"; do
  [ -d "Tests/$target" ] || { failed+=("$target (no such test target)"); continue; }
  run_step "$target" "$tests_binary" --testing-library swift-testing --filter "^$target\\."
done
if [ "$checks" = yes ]; then
  run_step "packaging checks (hack/checks.sh)" bash hack/checks.sh
fi
log "time per step"
printf '%s\n' "${timings[@]}" >&2
if [ ${#failed[@]} -gt 0 ]; then
  for entry in "${failed_outputs[@]}"; do
    name=${entry%%|*}
    output=${entry#*|}
    log "why $name failed: its failures, then its last lines (whole output above)"
    grep -E '✘|FAILED|error:|Fatal error|Traceback|timed out' "$output" | head -n 60 >&2 || true
    printf -- '--- last lines of %s ---\n' "$name" >&2
    tail -n 25 "$output" >&2
  done
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
log "every test target and check passed"
