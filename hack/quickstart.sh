#!/usr/bin/env bash
# The main job. Local mode (an MCP server with a plugin and a policy, on Docker) is not built yet;
# until it is, this builds the project and runs the Kubernetes client against the project's fake
# API server: kube-bench lists and watches 10,000 ConfigMaps and prints throughput and memory.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
bash hack/setup.sh
log "building kube-bench (release)"
swift build -c release --product kube-bench
log "running the Kubernetes client against the fake API server"
"$(swift build -c release --show-bin-path)/kube-bench"
