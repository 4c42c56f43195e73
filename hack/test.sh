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
log "running the packaging checks (hack/checks.sh)"
bash hack/checks.sh || failed+=("hack/checks.sh")
for dir in Tests/*/; do
  target=$(basename "$dir")
  log "running $target"
  if ! swift test --skip-build --filter "^$target\\."; then
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
log "every test target passed"
