#!/usr/bin/env bash
# The main job, in local mode: an MCP server with a plugin and a policy on this machine's Docker
# engine, from the same resource files a cluster takes, and a policy change enforced live.
#
#   hack/quickstart.sh [--debug | --bin-path DIR]
#
# It installs what is missing (apt packages, the Python MCP SDK, a Docker engine), builds the
# release binaries, makes the images offline (hack/images.sh), runs `mcpctl up -f
# samples/local/quickstart.yaml` (the sample posts server with the sample text plugin in its own
# isolated container, and an open MCPPolicy), calls a plugin tool through the gateway with the
# official MCP Python SDK, applies a stricter policy (samples/local/policy-strict.yaml), shows the
# same call denied, and leaves the server running with its endpoint printed.
#   --debug         use the debug build instead of a release build
#   --bin-path DIR  use the binaries in DIR (mcpctl and the image products); build nothing
# MCP_QUICKSTART_STATE=DIR keeps local mode's state there instead of mcpctl's default directory.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

mode=release
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) mode=debug ;;
    --bin-path) [ $# -ge 2 ] || die "--bin-path needs a directory"; mode=given; bin=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (options: --debug, --bin-path DIR)" ;;
  esac
  shift
done

bash hack/setup.sh
bash hack/docker.sh

case "$mode" in
  release)
    log "building mcpctl (release; the first build takes several minutes)"
    swift build -c release --static-swift-stdlib --product mcpctl
    bin=$(swift build -c release --show-bin-path)
    log "building the images without a registry (hack/images.sh)"
    bash hack/images.sh
    ;;
  debug)
    for product in mcpctl mcp-gateway mcp-operator mcp-sample-posts mcp-sample-text; do
      log "building $product (debug)"
      swift build --product "$product"
    done
    bin=$(swift build --show-bin-path)
    bash hack/images.sh --debug
    ;;
  given)
    bin=$(cd "$bin" && pwd) || die "binary folder $bin does not exist"
    bash hack/images.sh --bin-path "$bin"
    ;;
esac
[ -x "$bin/mcpctl" ] || die "$bin/mcpctl is missing"

state_flags=()
[ -n "${MCP_QUICKSTART_STATE:-}" ] && state_flags=(--state "$MCP_QUICKSTART_STATE")
mcpctl() { "$bin/mcpctl" "$@" ${state_flags[@]+"${state_flags[@]}"}; }
shown="$bin/mcpctl"
[ ${#state_flags[@]} -gt 0 ] && shown="$bin/mcpctl --state $MCP_QUICKSTART_STATE"

log "mcpctl up -f samples/local/quickstart.yaml"
mcpctl up -f samples/local/quickstart.yaml --timeout 5m
endpoint=$(mcpctl get mcps posts -o json | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"]["endpoint"])') \
  || die "the MCPServer posts has no endpoint; see: $shown describe mcps posts"
[ -n "$endpoint" ] || die "the MCPServer posts has no endpoint; see: $shown describe mcps posts"

call() { python3 hack/quickstart/mcp_call.py "$endpoint" "$@"; }

log "calling a server tool and a plugin tool through the gateway with the official MCP Python SDK"
call create_post '{"title": "Hello from the quickstart", "body": "Stored by mcp-sample-posts in its own SQLite file."}' \
  || die "create_post failed under the open policy; see: $shown logs posts"
# The plugin's own gateway may still be connecting to the server's on the very first call.
for attempt in 1 2 3 4 5; do
  if output=$(call text__upper '{"text": "hello from the plugin"}' 2>&1); then break; fi
  [ "$attempt" -lt 5 ] || { printf '%s\n' "$output" >&2; die "the plugin call failed under the open policy; see: $shown logs posts --plugin text"; }
  sleep 1
done
printf '%s\n' "$output"

log "applying a stricter policy to the running server (plugin tools denied; no restart)"
mcpctl apply -f samples/local/policy-strict.yaml
denied=""
for _ in $(seq 1 40); do
  output=$(call text__upper '{"text": "hello from the plugin"}' 2>&1) && { sleep 0.25; continue; }
  if grep -q "Denied by policy" <<<"$output"; then denied=yes; break; fi
  sleep 0.25
done
[ -n "$denied" ] || { printf '%s\n' "$output" >&2; die "the stricter policy did not deny text__upper within 10 s; see: $shown describe mcpp quickstart"; }
log "the same plugin call is now denied"
printf '%s\n' "$output"
call list_posts '{"limit": 1}' || die "list_posts failed under the strict policy"
mcpctl get mcpp

cat <<MSG

The MCP server is running in Docker behind its gateway, its plugin in an isolated container.
  endpoint:   $endpoint   (give this URL to an MCP client, Streamable HTTP)
  status:     $shown get mcps -o wide
              $shown describe mcps posts
  logs:       $shown logs posts   (the plugin's: --plugin text)
  policy:     $shown apply -f samples/local/policy-strict.yaml   (edit it first)
  stop it:    $shown down
MSG
