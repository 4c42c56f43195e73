#!/usr/bin/env bash
# End-to-end test on a real cluster (kind, k3s, a cloud cluster), given by KUBECONFIG:
#   1. makes the images reachable from the nodes (E2E_LOAD_IMAGES or E2E_REGISTRY, below);
#   2. installs the CRDs and the operator with the chart (helm if installed, else helm-sdkpy);
#   3. applies an MCPServer (the sample posts server, stdio) with a plugin (the sample text tools)
#      and an MCPPolicy that allows every tool to anonymous callers, and waits for Ready;
#   4. calls a plugin tool through the server's Service with the official MCP Python SDK
#      (kubectl port-forward);
#   5. changes the policy to deny the plugin's tools, waits until every replica acknowledged the
#      new version in status.policy, and checks that the same call is now denied (JSON-RPC -32001)
#      while the server's own tools still answer;
#   6. scales to two replicas (kubectl scale mcps/NAME) and waits for both replicas' acks;
#   7. deletes the server and the policy and checks that nothing they owned is left;
#   8. uninstalls the chart and removes the test namespaces (E2E_KEEP=1 leaves everything).
#
# Environment (defaults in brackets):
#   KUBECONFIG               required: the cluster to test; never the one you care about
#   E2E_IMAGE_PREFIX, E2E_IMAGE_TAG   [mcp-operator, dev]: the images hack/images.sh builds:
#                            PREFIX/{operator,gateway,sample-posts,sample-text}:TAG
#   E2E_SERVER_COMMAND       [/opt/mcp-sample/bin/mcp-sample-posts] the stdio server's command
#   E2E_PLUGIN_COMMAND       [/opt/mcp-sample/bin/mcp-sample-text] the stdio plugin's command
#   E2E_LOAD_IMAGES          a command that makes one local image available to the nodes; it is
#                            run once per image, with the image as its last argument. Examples:
#                              E2E_LOAD_IMAGES='kind load docker-image --name e2e'
#                              E2E_LOAD_IMAGES='minikube image load'
#                              E2E_LOAD_IMAGES='sh -c "docker save \"\$0\" | k3s ctr images import -"'
#   E2E_REGISTRY             or: a registry prefix (e.g. registry.example.com/team); the images are
#                            tagged with the commit (E2E_REGISTRY_TAG, default the short git hash,
#                            so no node runs an image an earlier landing left under the same tag),
#                            pushed there with docker, and pulled by the cluster (pull policy
#                            Always for the operator and the gateway).
#                            With neither, the images must already be pullable under their names.
#   E2E_NAMESPACE            [mcp-e2e] where the MCPServer runs (created, labelled restricted)
#   E2E_OPERATOR_NAMESPACE   [mcp-e2e-system] where the chart installs the operator
#   E2E_TIMEOUT              [300] seconds to wait for each step
#   E2E_LOCAL_PORT           [18080] the local end of the port-forward
#   E2E_KEEP                 [0] 1: leave the release, the namespaces and the objects behind
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."

if [ -z "${KUBECONFIG:-}" ]; then
  die "KUBECONFIG is not set: hack/e2e.sh installs the operator on a real cluster and deletes what it made; set KUBECONFIG to a test cluster's kubeconfig (kind, k3s, a cloud cluster) to run it"
fi
IFS=: read -r -a kubeconfigs <<<"$KUBECONFIG"
for file in "${kubeconfigs[@]}"; do
  [ -f "$file" ] || die "KUBECONFIG names $file, which does not exist"
done
command -v kubectl >/dev/null 2>&1 || die "kubectl is needed (https://kubernetes.io/docs/tasks/tools/)"
command -v python3 >/dev/null 2>&1 || die "python3 is needed (the MCP client and the Helm engine are Python packages)"
# A Python that refuses packages of its own (PEP 668: Debian 12, Ubuntu 24.04) or has no pip gets
# a virtual environment for the test's packages.
if python3 -c 'import sys, sysconfig, os; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)' \
  || ! python3 -m pip --version >/dev/null 2>&1; then
  venv=${E2E_VENV:-.e2e-venv}
  [ -x "$venv/bin/python3" ] || python3 -m venv "$venv" \
    || die "python3 cannot make a virtual environment for the test's packages (on Debian/Ubuntu: apt-get install python3-venv)"
  export PATH="$PWD/$venv/bin:$PATH"
  log "Python packages go to the virtual environment $venv"
fi

prefix=${E2E_IMAGE_PREFIX:-mcp-operator}
tag=${E2E_IMAGE_TAG:-dev}
server_command=${E2E_SERVER_COMMAND:-/opt/mcp-sample/bin/mcp-sample-posts}
plugin_command=${E2E_PLUGIN_COMMAND:-/opt/mcp-sample/bin/mcp-sample-text}
namespace=${E2E_NAMESPACE:-mcp-e2e}
operator_namespace=${E2E_OPERATOR_NAMESPACE:-mcp-e2e-system}
timeout=${E2E_TIMEOUT:-300}
local_port=${E2E_LOCAL_PORT:-18080}
release=mcp-e2e
server=e2e-posts
policy=e2e-policy
checks=hack/checks
forward_pid=""

context=$(kubectl config current-context 2>/dev/null) || die "KUBECONFIG has no current context"
kubectl version --request-timeout=10s >/dev/null 2>&1 || die "the cluster of context $context does not answer (kubectl version failed)"
log "end-to-end on context $context (operator in $operator_namespace, server in $namespace)"

# Another mcp-operator on the cluster would reconcile the test's namespace too (both write the same
# objects with the same field manager), and the test would check a mix of both.
others=$(kubectl get deployments -A -l app.kubernetes.io/name=mcp-operator -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\n"}{end}') \
  || die "cannot list deployments to look for another mcp-operator (kubectl get deployments -A failed)"
others=$(grep -v "^$operator_namespace/" <<<"$others" || true)
[ -z "$others" ] || die "another mcp-operator runs on this cluster ($others); it would reconcile $namespace too: use a cluster without one"

pip_install "mcp>=2.3"
command -v helm >/dev/null 2>&1 || pip_install --ignore-requires-python helm-sdkpy

cleanup() {
  local status=$?
  if [ -n "$forward_pid" ]; then kill "$forward_pid" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ]; then
    printf '\nend-to-end FAILED; the state of the cluster:\n' >&2
    kubectl -n "$namespace" get mcps,mcpp,deploy,pods,svc -o wide >&2 2>/dev/null || true
    kubectl -n "$namespace" get mcps "$server" -o yaml >&2 2>/dev/null | sed -n '/^status:/,$p' >&2 || true
    kubectl -n "$namespace" describe pods >&2 2>/dev/null || true
    kubectl -n "$namespace" get events --sort-by=.lastTimestamp >&2 2>/dev/null || true
    kubectl -n "$operator_namespace" logs -l app.kubernetes.io/name=mcp-operator --tail=50 >&2 2>/dev/null || true
  fi
  if [ "${E2E_KEEP:-0}" = 1 ]; then
    log "E2E_KEEP=1: leaving release $release and namespaces $namespace, $operator_namespace"
    return
  fi
  log "cleaning up"
  # Servers first, while the operator still runs to release their finalizers; then the release.
  kubectl -n "$namespace" delete mcps,mcpp --all --ignore-not-found --timeout=120s >/dev/null 2>&1 || true
  kubectl delete namespace "$namespace" --ignore-not-found --timeout=120s >/dev/null 2>&1 || true
  if command -v helm >/dev/null 2>&1; then
    helm uninstall "$release" -n "$operator_namespace" >/dev/null 2>&1 || true
  else
    python3 "$checks/e2e_helm.py" uninstall "$release" "$operator_namespace" >/dev/null 2>&1 || true
  fi
  kubectl delete namespace "$operator_namespace" --ignore-not-found --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

# wait_for DESCRIPTION COMMAND...: retries the command every 2 s until it succeeds or E2E_TIMEOUT.
wait_for() {
  local description=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out after ${timeout}s waiting for $description"
    sleep 2
  done
}

# server_json: the MCPServer as JSON.
server_json() { kubectl -n "$namespace" get mcps "$server" -o json; }

# policy_acked REPLICAS: status.policy names a desired version and REPLICAS replicas acked it.
policy_acked() {
  server_json | python3 -c '
import json, sys
replicas = int(sys.argv[1])
status = json.load(sys.stdin).get("status") or {}
policy = status.get("policy") or {}
desired = policy.get("desiredVersion")
acked = [r for r in policy.get("replicas") or [] if desired and r.get("version") == desired]
sys.exit(0 if desired and len(acked) == replicas and status.get("readyReplicas") == replicas else 1)' "$1"
}

# desired_version: status.policy.desiredVersion, or nothing.
desired_version() {
  server_json | python3 -c 'import json, sys; print(((json.load(sys.stdin).get("status") or {}).get("policy") or {}).get("desiredVersion") or "")'
}

# ---- 1. images ----------------------------------------------------------------------------
images=()
for name in operator gateway sample-posts sample-text; do images+=("$prefix/$name:$tag"); done
pull_policy=IfNotPresent
if [ -n "${E2E_REGISTRY:-}" ]; then
  command -v docker >/dev/null 2>&1 || die "E2E_REGISTRY needs docker to tag and push the images"
  pushed_tag=${E2E_REGISTRY_TAG:-$(git rev-parse --short HEAD 2>/dev/null || date +%s)}
  for name in operator gateway sample-posts sample-text; do
    log "pushing $prefix/$name:$tag to $E2E_REGISTRY/$prefix/$name:$pushed_tag"
    docker tag "$prefix/$name:$tag" "$E2E_REGISTRY/$prefix/$name:$pushed_tag"
    docker push "$E2E_REGISTRY/$prefix/$name:$pushed_tag" >/dev/null
  done
  prefix="$E2E_REGISTRY/$prefix"
  tag=$pushed_tag
  pull_policy=Always
elif [ -n "${E2E_LOAD_IMAGES:-}" ]; then
  for image in "${images[@]}"; do
    log "loading $image: $E2E_LOAD_IMAGES $image"
    bash -c "$E2E_LOAD_IMAGES \"\$1\"" _ "$image" || die "E2E_LOAD_IMAGES failed for $image"
  done
else
  log "neither E2E_LOAD_IMAGES nor E2E_REGISTRY is set: the nodes must be able to pull ${images[*]}"
fi

# ---- 2. the chart -------------------------------------------------------------------------
# Helm installs crds/ only when missing and never upgrades them; a cluster an earlier landing ran
# on would keep its schema (and silently drop newer fields), so they are applied first.
log "applying the CRDs (server-side) and waiting until they are established"
kubectl apply --server-side --force-conflicts --field-manager=mcp-e2e -f helm/mcp-operator/crds/ >/dev/null
kubectl wait --for=condition=Established crd/mcpservers.mcpoperator.io crd/mcppolicies.mcpoperator.io --timeout="${timeout}s" >/dev/null
log "installing the chart as release $release"
if command -v helm >/dev/null 2>&1; then
  helm upgrade --install "$release" helm/mcp-operator -n "$operator_namespace" --create-namespace \
    --set image.repository="$prefix/operator" --set image.tag="$tag" --set image.pullPolicy="$pull_policy" \
    --set gateway.image.repository="$prefix/gateway" --set gateway.image.tag="$tag" --set gateway.image.pullPolicy="$pull_policy" \
    --set replicaCount=1 --set logLevel=debug --wait --timeout "${timeout}s"
else
  values=$(printf '{"image": {"repository": "%s/operator", "tag": "%s", "pullPolicy": "%s"}, "gateway": {"image": {"repository": "%s/gateway", "tag": "%s", "pullPolicy": "%s"}}, "replicaCount": 1, "logLevel": "debug"}' \
    "$prefix" "$tag" "$pull_policy" "$prefix" "$tag" "$pull_policy")
  python3 "$checks/e2e_helm.py" install "$release" "$operator_namespace" helm/mcp-operator "$values" "$timeout"
fi
kubectl -n "$operator_namespace" rollout status deployment -l app.kubernetes.io/name=mcp-operator --timeout="${timeout}s" >/dev/null 2>&1 \
  || kubectl -n "$operator_namespace" wait --for=condition=Available deployment --all --timeout="${timeout}s"
kubectl get crd mcpservers.mcpoperator.io mcppolicies.mcpoperator.io >/dev/null

# ---- 3. a server with a plugin and a policy -----------------------------------------------
log "applying MCPServer $server (plugin: text) and MCPPolicy $policy in $namespace"
kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl label namespace "$namespace" pod-security.kubernetes.io/enforce=restricted --overwrite >/dev/null
kubectl -n "$namespace" apply -f - <<YAML
apiVersion: mcpoperator.io/v1alpha1
kind: MCPPolicy
metadata:
  name: $policy
spec:
  defaultAction: deny
  authentication:
    allowAnonymous: true
  roles:
  - name: everyone
    subjects: ["*"]
    allowTools: ["*"]
  inputValidation:
    detectors: {sqlInjection: true, xss: true, pathTraversal: true, commandInjection: true}
---
apiVersion: mcpoperator.io/v1alpha1
kind: MCPServer
metadata:
  name: $server
spec:
  image: $prefix/sample-posts:$tag
  transport: stdio
  command: ["$server_command"]
  replicas: 1
  plugins:
  - name: text
    image: $prefix/sample-text:$tag
    transport: stdio
    command: ["$plugin_command"]
  policyRefs: ["$policy"]
YAML
log "waiting for $server to be Ready"
kubectl -n "$namespace" wait --for=condition=Ready "mcps/$server" --timeout="${timeout}s"
wait_for "replica 1's acknowledgement of the policy in status.policy" policy_acked 1

# ---- 4. a tool call through the Service ---------------------------------------------------
log "port-forwarding service/$server to 127.0.0.1:$local_port"
kubectl -n "$namespace" port-forward "service/$server" "$local_port:8080" >/tmp/mcp-e2e-port-forward.log 2>&1 &
forward_pid=$!
wait_for "the port-forward" python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$local_port"
url="http://127.0.0.1:$local_port/mcp"
log "calling text__upper through the gateway (MCP Python SDK)"
python3 "$checks/e2e_mcp.py" "$url" text__upper '{"text": "hello from e2e"}' --expect-text "HELLO FROM E2E"
python3 "$checks/e2e_mcp.py" "$url" create_post '{"title": "e2e", "body": "written through the gateway"}' --expect-text "e2e"

# ---- 5. a policy change: denied, and acknowledged by every replica ------------------------
before=$(desired_version)
log "changing $policy: the plugin's tools (text__*) denied to everyone (policy version before: $before)"
kubectl -n "$namespace" patch mcpp "$policy" --type merge \
  -p '{"spec": {"roles": [{"name": "everyone", "subjects": ["*"], "allowTools": ["*"], "denyTools": ["text__*"]}]}}' >/dev/null
changed() { local now; now=$(desired_version); [ -n "$now" ] && [ "$now" != "$before" ]; }
wait_for "a new desired policy version in status.policy" changed
wait_for "every replica's ack of the new policy version" policy_acked 1
log "policy $(desired_version) acknowledged; the same call must now be denied"
python3 "$checks/e2e_mcp.py" "$url" text__upper '{"text": "hello from e2e"}' --expect-denied
python3 "$checks/e2e_mcp.py" "$url" list_posts '{}' --expect-text "e2e"

# ---- 6. scale ----------------------------------------------------------------------------
log "scaling $server to 2 replicas"
kubectl -n "$namespace" scale "mcps/$server" --replicas=2
wait_for "two ready replicas, both acknowledging the policy" policy_acked 2
kubectl -n "$namespace" get mcps "$server" -o jsonpath='{range .status.policy.replicas[*]}  {.name}: {.version} at {.ackedAt}{"\n"}{end}'

# ---- 7. delete, and nothing left -----------------------------------------------------------
kill "$forward_pid" 2>/dev/null || true
forward_pid=""
log "deleting $server and $policy"
kubectl -n "$namespace" delete mcps "$server" --wait=true --timeout="${timeout}s"
kubectl -n "$namespace" delete mcpp "$policy" --wait=true --timeout="${timeout}s"
leftovers() {
  kubectl -n "$namespace" get deployments,replicasets,pods,services,configmaps,secrets,serviceaccounts,networkpolicies,poddisruptionbudgets,horizontalpodautoscalers \
    -l "app.kubernetes.io/instance=$server" -o name
}
# An error of kubectl (a timeout, a refusal) is not "nothing left".
no_leftovers() { local left; left=$(leftovers) || return 1; [ -z "$left" ]; }
if ! (timeout=120 wait_for "the garbage collector" no_leftovers); then
  die "objects of $server are left after its deletion: $(leftovers | tr '\n' ' ')"
fi
log "nothing of $server is left"
log "end-to-end passed"
