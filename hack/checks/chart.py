"""Checks the Helm chart with the real Helm engine: lint; renders with the default values and
with the scenarios below and checks what each must contain; every bad values file in
fixtures/bad-values/ must be refused with the message on its `# expect:` line; the chart's RBAC
rules must equal manifests/rbac's; the MCPServer that NOTES.txt tells users to apply must be valid
against our CRDs. The rendered manifests are written to --out for validate_manifests.py.

Usage: chart.py --chart helm/mcp-operator --manifests manifests --crds crds --out DIR"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Callable

import yaml

from crd_schema import CRDValidator
from helm_render import Renderer, RenderError, lint
from objects import CheckFailure, Document, load_documents, load_file

NAMESPACE = "mcp-operator-system"
HERE = Path(__file__).parent


def find(objects: list[Document], kind: str, name: str | None = None, namespace: str | None = None) -> list[Document]:
    return [d for d in objects if d.body.get("kind") == kind
            and (name is None or d.body["metadata"].get("name") == name)
            and (namespace is None or d.body["metadata"].get("namespace") == namespace)]


def expect(condition: bool, scenario: str, message: str) -> None:
    if not condition:
        raise CheckFailure(f"chart, {scenario}: {message}")


def operator_container(objects: list[Document], scenario: str) -> dict:
    deployments = find(objects, "Deployment")
    expect(len(deployments) == 1, scenario, f"expected one Deployment, rendered {len(deployments)}")
    pod = deployments[0].body["spec"]["template"]
    expect(pod["metadata"]["labels"].get("app.kubernetes.io/name") == "mcp-operator", scenario,
           "the operator pods must carry app.kubernetes.io/name: mcp-operator (the servers' NetworkPolicies admit that label)")
    return pod["spec"]["containers"][0]


def check_common(objects: list[Document], scenario: str, replicas: int, leader: bool | None = None) -> list[str]:
    container = operator_container(objects, scenario)
    args = container["args"]
    leader = replicas > 1 if leader is None else leader
    expect(args.count("--leader-elect") == (1 if leader else 0), scenario,
           f"--leader-elect must be passed (once) exactly when replicaCount > 1 or extraArgs has it (replicaCount {replicas}, args {args})")
    roles = [d for d in find(objects, "Role") if d.body["metadata"]["name"].endswith("-leader-election")]
    expect(len(roles) == (1 if leader else 0), scenario, "the leader-election Role must be rendered exactly when the operator elects a leader")
    expect(bool(find(objects, "PodDisruptionBudget")) == (replicas > 1), scenario,
           "a PodDisruptionBudget must be rendered exactly when replicaCount > 1")
    probe_port = next(a.split(":")[-1] for a in args if a.startswith("--health-probe-bind-address="))
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    expect(str(ports.get("probes")) == probe_port, scenario, f"the probes port {ports.get('probes')} is not --health-probe-bind-address {probe_port}")
    for probe in ("livenessProbe", "readinessProbe"):
        expect(container[probe]["httpGet"]["port"] == "probes", scenario, f"{probe} must use the probes port")
    expect(all(e["name"] != "POD_NAMESPACE" or e["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.namespace" for e in container["env"]),
           scenario, "POD_NAMESPACE must come from metadata.namespace")
    return args


def scenario_default(objects: list[Document]) -> None:
    name = "default values"
    args = check_common(objects, name, 2)
    expect("--gateway-image=ghcr.io/mcp-operator/mcp-gateway:0.1.0" in args, name, f"default gateway image missing from {args}")
    expect("--gateway-image-pull-policy=IfNotPresent" in args, name, f"default gateway image pull policy missing from {args}")
    expect(not any(a.startswith("--namespace") for a in args), name, "no --namespace flag by default")
    expect(len(find(objects, "ClusterRole")) == 1 and len(find(objects, "ClusterRoleBinding")) == 1, name,
           "a ClusterRole and a ClusterRoleBinding by default")
    expect(not find(objects, "ServiceMonitor") and not find(objects, "ConfigMap"), name, "no ServiceMonitor nor dashboard by default")
    expect(len(find(objects, "Service")) == 1, name, "the metrics Service")


def scenario_namespaced(objects: list[Document]) -> None:
    name = "watchNamespaces: [team-a, team-b]"
    args = check_common(objects, name, 2)
    expect([a for a in args if a.startswith("--namespace")] == ["--namespace=team-a", "--namespace=team-b"], name,
           f"one --namespace flag per watched namespace, got {args}")
    expect(not find(objects, "ClusterRole") and not find(objects, "ClusterRoleBinding"), name, "no cluster-wide RBAC")
    for namespace in ("team-a", "team-b"):
        expect(len(find(objects, "Role", namespace=namespace)) == 1 and len(find(objects, "RoleBinding", namespace=namespace)) == 1,
               name, f"a Role and a RoleBinding in {namespace}")


def scenario_single(objects: list[Document]) -> None:
    name = "one replica, every option on"
    args = check_common(objects, name, 1)
    for flag in ("--log-level=debug", "--log-format=text", "--max-concurrent-reconciles=4",
                 "--gateway-image=registry.example.com/mcp/gateway:1.2.3", "--gateway-image-pull-policy=Never", "--metrics-bind-address=:9443", "--health-probe-bind-address=:9444"):
        expect(flag in args, name, f"{flag} missing from {args}")
    expect(not find(objects, "Role"), name, "no leader-election Role with one replica")
    monitors = find(objects, "ServiceMonitor")
    expect(len(monitors) == 1 and monitors[0].body["metadata"]["labels"].get("release") == "prometheus", name, "the ServiceMonitor with its labels")
    service = find(objects, "Service")[0].body
    expect(all(service["metadata"]["labels"].get(k) == v for k, v in monitors[0].body["spec"]["selector"]["matchLabels"].items()),
           name, "the ServiceMonitor must select the metrics Service")
    dashboards = find(objects, "ConfigMap")
    expect(len(dashboards) == 1, name, "the dashboard ConfigMap")
    try:
        dashboard = json.loads(dashboards[0].body["data"]["mcp-operator.json"])
    except (KeyError, json.JSONDecodeError) as error:
        raise CheckFailure(f"chart, {name}: the dashboard is not JSON: {error}") from None
    expect(len([p for p in dashboard["panels"] if p["type"] != "row"]) >= 10, name, "the dashboard's panels")
    pod = find(objects, "Deployment")[0].body["spec"]["template"]["spec"]
    expect(pod.get("nodeSelector") == {"kubernetes.io/os": "linux"} and pod.get("tolerations") and pod.get("affinity"), name,
           "nodeSelector, tolerations and affinity must reach the pod")
    expect(pod.get("imagePullSecrets") == [{"name": "registry-credentials"}], name, "imagePullSecrets")


def scenario_single_leader(objects: list[Document]) -> None:
    check_common(objects, "one replica, --leader-elect in extraArgs", 1, leader=True)


SCENARIOS: list[tuple[str, dict, Callable[[list[Document]], None]]] = [
    ("default", {}, scenario_default),
    ("namespaced", {"watchNamespaces": ["team-a", "team-b"]}, scenario_namespaced),
    ("single", {
        "replicaCount": 1, "logLevel": "debug", "logFormat": "text", "maxConcurrentReconciles": 4,
        "gateway": {"image": {"repository": "registry.example.com/mcp/gateway", "tag": "1.2.3", "pullPolicy": "Never"}},
        "metrics": {"port": 9443, "serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}}},
        "healthProbe": {"port": 9444},
        "dashboard": {"enabled": True}, "imagePullSecrets": ["registry-credentials"],
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "control", "effect": "NoSchedule"}],
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
            "topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "mcp-operator"}}}}]}},
    }, scenario_single),
    ("single-leader", {"replicaCount": 1, "extraArgs": ["--leader-elect"]}, scenario_single_leader),
]


def rules_of(documents: list[Document], kind: str) -> list:
    found = [d for d in documents if d.body.get("kind") == kind and not d.body["metadata"]["name"].endswith("leader-election")]
    if not found:
        raise CheckFailure(f"no {kind} found")
    return found[0].body["rules"]


def check_rbac(rendered: dict[str, list[Document]], manifests: Path) -> None:
    cluster = rules_of(load_file(manifests / "rbac/cluster_role.yaml"), "ClusterRole")
    namespaced = rules_of(load_file(manifests / "rbac/namespaced/role.yaml"), "Role")
    if cluster != namespaced:
        raise CheckFailure(f"{manifests}/rbac/cluster_role.yaml and rbac/namespaced/role.yaml grant different rules")
    if rules_of(rendered["default"], "ClusterRole") != cluster:
        raise CheckFailure(f"the chart's ClusterRole rules differ from {manifests}/rbac/cluster_role.yaml "
                           "(helm/mcp-operator/templates/_helpers.tpl, mcp-operator.rules)")
    if rules_of(rendered["namespaced"], "Role") != cluster:
        raise CheckFailure(f"the chart's namespaced Role rules differ from {manifests}/rbac/namespaced/role.yaml")
    print("  RBAC: the chart's ClusterRole and Roles grant exactly manifests/rbac's rules")


def check_schema_covers_values(chart: Path) -> None:
    """Every value in values.yaml has a schema, and every value the schema describes has a
    default in values.yaml (but Helm's `global`, and the fields of objects whose default is {})."""
    schema = json.loads((chart / "values.schema.json").read_text())
    values = yaml.safe_load((chart / "values.yaml").read_text())

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = schema["definitions"][node["$ref"].split("/")[-1]]
        return node

    def walk(value, node: dict, path: str) -> None:
        node = resolve(node)
        if not isinstance(value, dict) or "properties" not in node:
            return
        for key, sub in value.items():
            if key not in node["properties"]:
                raise CheckFailure(f"{chart}/values.yaml: {path}{key} has no schema in values.schema.json")
            walk(sub, node["properties"][key], f"{path}{key}.")
        for key in node["properties"] if value else []:  # an empty {} default: optional structure
            if key not in value and not (path == "" and key == "global"):
                raise CheckFailure(f"{chart}/values.schema.json: {path}{key} is described but has no default in values.yaml")

    walk(values, schema, "")
    print("  values.schema.json describes every value of values.yaml, and only those")


def check_notes(notes: str, crds: Path) -> None:
    """The heredoc between `<<'YAML'` and `YAML` in NOTES.txt is a valid MCPServer."""
    match = re.search(r"<<'YAML'\n(.*?)\n\s*YAML\n", notes, re.S)
    if not match:
        raise CheckFailure("NOTES.txt: no example MCPServer (a heredoc between <<'YAML' and YAML)")
    example = textwrap.dedent(match.group(1))
    documents = load_documents(example, "NOTES.txt example")
    validator = CRDValidator([d for f in sorted(crds.glob("*.yaml")) for d in load_file(f)])
    kinds = [d.body.get("kind") for d in documents]
    if "MCPServer" not in kinds:
        raise CheckFailure(f"NOTES.txt: the example holds {kinds}, no MCPServer")
    for document in documents:
        validator.validate(document)
    print(f"  NOTES.txt: its example {', '.join(kinds)} is valid against {crds}")


def bad_values_fixtures() -> list[tuple[Path, dict, str]]:
    fixtures = []
    for path in sorted((HERE / "fixtures/bad-values").glob("*.yaml")):
        text = path.read_text()
        first = text.splitlines()[0]
        if not first.startswith("# expect: "):
            raise CheckFailure(f"{path}:1: a bad-values fixture starts with '# expect: <part of the error>'")
        fixtures.append((path, yaml.safe_load(text) or {}, first[len("# expect: "):]))
    if not fixtures:
        raise CheckFailure("no bad-values fixtures found")
    return fixtures


def merged(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def check_bad_values(chart: Path, renderer: Renderer) -> None:
    defaults = yaml.safe_load((chart / "values.yaml").read_text())
    for path, values, expected in bad_values_fixtures():
        try:
            renderer.render(chart, values, NAMESPACE)
        except RenderError as error:
            message = str(error)
            if expected not in message:
                raise CheckFailure(f"{path}: refused, but the error does not say {expected!r}:\n{message}") from None
        else:
            raise CheckFailure(f"{path}: bad values were accepted; values.schema.json must refuse them ({expected!r})")
        # helm lint with these values as the chart's values.yaml must report an error too.
        with tempfile.TemporaryDirectory() as scratch:
            copy_path = Path(scratch) / chart.name
            shutil.copytree(chart, copy_path)
            (copy_path / "values.yaml").write_text(yaml.safe_dump(merged(defaults, values)))
            errors = [m for m in lint(copy_path) if m == ("ERROR", "values.yaml")]
        if not errors:
            raise CheckFailure(f"{path}: helm lint reported no error in values.yaml for a chart with these values")
        print(f"  refused as expected: {path.name}: {expected}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chart", required=True, type=Path)
    parser.add_argument("--manifests", required=True, type=Path)
    parser.add_argument("--crds", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    arguments = parser.parse_args()
    chart: Path = arguments.chart.resolve()
    try:
        check_schema_covers_values(chart)
        messages = lint(chart)
        problems = [m for m in messages if m[0] in ("WARNING", "ERROR")]
        if problems:
            raise CheckFailure(f"helm lint {chart}: " + ", ".join(f"{s} in {p}" for s, p in problems)
                               + " (helm-sdkpy gives no message text; `helm lint` shows it)")
        print(f"  helm lint: no warning or error ({len(messages)} informational)")
        arguments.out.mkdir(parents=True, exist_ok=True)
        rendered: dict[str, list[Document]] = {}
        with Renderer() as renderer:
            for name, values, check in SCENARIOS:
                try:
                    manifest, notes = renderer.render(chart, values, NAMESPACE, release="mcp-operator")
                except RenderError as error:
                    raise CheckFailure(f"chart, scenario {name}: Helm refused to render: {error}") from None
                out = arguments.out / f"chart-{name}.yaml"
                out.write_text(manifest)
                objects = load_documents(manifest, str(out))
                check(objects)
                rendered[name] = objects
                print(f"  rendered {name} ({len(objects)} objects) to {out}")
                check_notes(notes, arguments.crds)
            check_rbac(rendered, arguments.manifests)
            check_bad_values(chart, renderer)
    except CheckFailure as failure:
        print(f"failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
