#!/usr/bin/env bash
# The main job: an MCP server with a plugin and a policy, run by mcp-gateway on this machine, and
# a policy change enforced live with no restart.
#
# Local mode on Docker (mcpctl up, state in SQLite) is not built yet; until it is, this runs the
# same pieces as processes: the reference MCP server mcp-server-time over stdio behind the
# gateway, the sample text plugin over Streamable HTTP, an open policy; it calls a plugin tool
# with the official MCP Python SDK, pushes a stricter policy with `mcpctl policy push`, shows the
# same call denied, and leaves everything running.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
root=$(pwd)
port=${MCP_QUICKSTART_PORT:-8080}
admin_port=${MCP_QUICKSTART_ADMIN_PORT:-9090}
state=${XDG_STATE_HOME:-$HOME/.local/state}/mcp-operator-quickstart
mkdir -p "$state"

bash hack/setup.sh
command -v curl >/dev/null 2>&1 || apt_install curl

log "building mcp-gateway and mcpctl (release; the first build takes several minutes)"
swift build -c release --product mcp-gateway
swift build -c release --product mcpctl
bin=$(swift build -c release --show-bin-path)

# Stop what an earlier run left.
for pidfile in "$state"/*.pid; do
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
done

log "starting the sample text plugin (samples/local/text_plugin.py)"
python3 samples/local/text_plugin.py 0 > "$state/plugin.out" 2> "$state/plugin.log" &
echo $! > "$state/plugin.pid"
for _ in $(seq 1 100); do [ -s "$state/plugin.out" ] && break; sleep 0.1; done
plugin_port=$(head -n1 "$state/plugin.out")
[ -n "$plugin_port" ] || die "the plugin did not start; see $state/plugin.log"

log "starting mcp-gateway on 127.0.0.1:$port (admin 127.0.0.1:$admin_port) in front of mcp-server-time"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state/admin-token"
chmod 600 "$state/admin-token"
"$bin/mcp-gateway" --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin_port" \
  --admin-token-file "$state/admin-token" --policy "$root/hack/quickstart/policy-open.json" \
  --plugin "text=http://127.0.0.1:$plugin_port/mcp" --log-format text --log-level warning \
  -- python3 -m mcp_server_time --local-timezone UTC > "$state/gateway.out" 2> "$state/gateway.log" &
echo $! > "$state/gateway.pid"
ready=""
for _ in $(seq 1 150); do
  if curl -fsS "http://127.0.0.1:$admin_port/readyz" >/dev/null 2>&1; then ready=yes; break; fi
  kill -0 "$(cat "$state/gateway.pid")" 2>/dev/null || break
  sleep 0.2
done
[ -n "$ready" ] || die "the gateway did not become ready; see $state/gateway.log"

endpoint="http://127.0.0.1:$port/mcp"
log "calling tools through the gateway with the official MCP Python SDK"
python3 hack/quickstart/mcp_call.py "$endpoint" get_current_time '{"timezone": "UTC"}'
python3 hack/quickstart/mcp_call.py "$endpoint" text__upper '{"text": "hello from the plugin"}' \
  || die "the plugin call failed under the open policy"

log "pushing a stricter policy (plugin tools denied) to the running gateway, no restart"
"$bin/mcpctl" policy push -f hack/quickstart/policy-strict.json --admin-url "http://127.0.0.1:$admin_port" \
  --admin-token-file "$state/admin-token"

log "the same plugin call is now denied"
if python3 hack/quickstart/mcp_call.py "$endpoint" text__upper '{"text": "hello from the plugin"}'; then
  die "the stricter policy did not deny text__upper"
fi
python3 hack/quickstart/mcp_call.py "$endpoint" get_current_time '{"timezone": "UTC"}'

cat <<MSG

The MCP server is running behind the gateway.
  endpoint:      $endpoint   (give this URL to an MCP client)
  admin/metrics: http://127.0.0.1:$admin_port/metrics
  logs:          $state/gateway.log
  stop it:       kill \$(cat $state/gateway.pid $state/plugin.pid)
MSG
