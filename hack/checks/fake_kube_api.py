"""A minimal in-memory Kubernetes API server on 127.0.0.1, enough for Helm's install action.

Helm (through helm-sdkpy) has no client-only `template` action; its install action renders the
chart with the real engine, checks the values against values.schema.json, and then talks to a
cluster. This server answers that conversation: version, discovery for the groups the chart
uses, and create/get/list/update of any object, kept in memory. CRDs are reported Established
at once. Nothing is validated here: the rendered objects are validated afterwards, by
kubernetes-validate and against our CRDs.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

KUBERNETES_VERSION = ("1", "33")

# group/version -> [(plural, kind, namespaced)]
RESOURCES: dict[str, list[tuple[str, str, bool]]] = {
    "v1": [("namespaces", "Namespace", False), ("secrets", "Secret", True), ("configmaps", "ConfigMap", True),
           ("services", "Service", True), ("serviceaccounts", "ServiceAccount", True), ("pods", "Pod", True)],
    "apps/v1": [("deployments", "Deployment", True)],
    "rbac.authorization.k8s.io/v1": [("clusterroles", "ClusterRole", False), ("clusterrolebindings", "ClusterRoleBinding", False),
                                     ("roles", "Role", True), ("rolebindings", "RoleBinding", True)],
    "policy/v1": [("poddisruptionbudgets", "PodDisruptionBudget", True)],
    "coordination.k8s.io/v1": [("leases", "Lease", True)],
    "networking.k8s.io/v1": [("networkpolicies", "NetworkPolicy", True)],
    "autoscaling/v2": [("horizontalpodautoscalers", "HorizontalPodAutoscaler", True)],
    "apiextensions.k8s.io/v1": [("customresourcedefinitions", "CustomResourceDefinition", False)],
    "monitoring.coreos.com/v1": [("servicemonitors", "ServiceMonitor", True)],
    "mcpoperator.io/v1alpha1": [("mcpservers", "MCPServer", True), ("mcppolicies", "MCPPolicy", True)],
}
VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]


class FakeKubeAPI:
    """Starts on an ephemeral port; `objects` holds every object created, in order."""

    def __init__(self) -> None:
        self.objects: dict[str, dict] = {}
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                api.handle(self, "GET")

            def do_POST(self):
                api.handle(self, "POST")

            def do_PUT(self):
                api.handle(self, "PUT")

            def do_PATCH(self):
                api.handle(self, "PATCH")

            def do_DELETE(self):
                api.handle(self, "DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def kubeconfig(self) -> str:
        return json.dumps({
            "apiVersion": "v1", "kind": "Config", "current-context": "fake",
            "clusters": [{"name": "fake", "cluster": {"server": self.url}}],
            "users": [{"name": "fake", "user": {"token": "fake"}}],
            "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake", "namespace": "default"}}],
        })

    def __enter__(self) -> "FakeKubeAPI":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- request handling -------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(request.path).path.rstrip("/")
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            status, answer = 415, self.status(415, "UnsupportedMediaType", f"{method} {path}: only JSON bodies are understood")
        else:
            status, answer = self.route(method, path, body)
        data = json.dumps(answer).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def route(self, method: str, path: str, body):
        if path == "/version":
            major, minor = KUBERNETES_VERSION
            return 200, {"major": major, "minor": minor, "gitVersion": f"v{major}.{minor}.0", "platform": "linux/amd64"}
        if path == "/api":
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
        if path == "/apis":
            groups = []
            for gv in RESOURCES:
                if "/" in gv:
                    group, version = gv.split("/")
                    entry = {"groupVersion": gv, "version": version}
                    groups.append({"name": group, "versions": [entry], "preferredVersion": entry})
            return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}
        parts = path.strip("/").split("/")
        if parts[0] == "api":
            gv, rest = "v1", parts[2:]
        elif parts[0] == "apis" and len(parts) >= 3:
            gv, rest = f"{parts[1]}/{parts[2]}", parts[3:]
        else:
            return self.not_found(path)
        if gv not in RESOURCES:
            return self.not_found(path)
        if not rest:
            return 200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": [
                {"name": plural, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind, "verbs": VERBS}
                for plural, kind, namespaced in RESOURCES[gv]]}
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        plural, name = rest[0], (rest[1] if len(rest) > 1 else None)
        kinds = {p: k for p, k, _ in RESOURCES[gv]}
        if plural not in kinds:
            return self.not_found(path)
        key_prefix = f"{gv}/{plural}/{namespace or ''}/"
        with self.lock:
            if name is None and method == "GET":
                items = [o for k, o in self.objects.items() if k.startswith(key_prefix)]
                return 200, {"kind": kinds[plural] + "List", "apiVersion": gv, "metadata": {"resourceVersion": "1"}, "items": items}
            if name is None and method == "POST":
                name = (body.get("metadata") or {}).get("name")
                if (key_prefix + name) in self.objects:
                    return 409, self.status(409, "AlreadyExists", f"{plural} \"{name}\" already exists")
                return 201, self.store(key_prefix + name, body, kinds[plural])
            key = key_prefix + (name or "")
            if method == "GET":
                return (200, self.objects[key]) if key in self.objects else self.not_found(path)
            if method == "PUT":
                return 200, self.store(key, body, kinds[plural])
            if method == "DELETE":
                self.objects.pop(key, None)
                return 200, self.status(200, "", "deleted")
            if method == "PATCH":
                return (200, self.objects[key]) if key in self.objects else self.not_found(path)
        return self.not_found(path)

    def store(self, key: str, body: dict, kind: str) -> dict:
        meta = body.setdefault("metadata", {})
        meta.setdefault("uid", str(uuid.uuid4()))
        meta.setdefault("creationTimestamp", "2026-01-01T00:00:00Z")
        meta["resourceVersion"] = str(len(self.objects) + 1)
        if kind == "CustomResourceDefinition":
            body["status"] = {"conditions": [
                {"type": "NamesAccepted", "status": "True"}, {"type": "Established", "status": "True"}],
                "acceptedNames": body.get("spec", {}).get("names", {})}
        self.objects[key] = body
        return body

    @staticmethod
    def status(code: int, reason: str, message: str) -> dict:
        return {"kind": "Status", "apiVersion": "v1", "status": "Failure" if code >= 400 else "Success",
                "reason": reason, "message": message, "code": code}

    def not_found(self, path: str):
        return 404, self.status(404, "NotFound", f"{path} not found")
