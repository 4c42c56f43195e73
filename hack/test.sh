#!/usr/bin/env bash
# The test command: installs prerequisites, builds everything, runs every test.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
bash hack/setup.sh
log "building (debug, with tests)"
swift build --build-tests
log "running tests"
swift test --skip-build
