"""Validates Kubernetes YAML files: built-in kinds against the Kubernetes OpenAPI schemas
(kubernetes-validate, strict: unknown fields refused), our custom resources against our CRDs
(crd_schema.py), and every pod template against the restricted Pod Security Standard.

Usage: validate_manifests.py --crds DIR [--kubernetes-version X.Y.Z] PATH...
A PATH is a YAML file or a directory (its *.yaml files, recursively; kustomization.yaml files
are skipped: they are kustomize's, not the API server's). Exits 1 on the first invalid object,
naming the file, the line, the object and the field."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate

from crd_schema import CRDValidator
from objects import CheckFailure, Document, load_file

DEFAULT_KUBERNETES_VERSION = "1.33.0"
# Kinds of other projects' CRDs the chart may render. No schema of theirs ships here; these are
# the parts of the Prometheus Operator's ServiceMonitor schema that the chart fills in.
DURATION = {"type": "string", "pattern": "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"}
FOREIGN_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): {
        "type": "object",
        "required": ["spec"],
        "properties": {"spec": {
            "type": "object",
            "required": ["selector"],
            "properties": {
                "selector": {"type": "object", "properties": {"matchLabels": {"type": "object", "additionalProperties": {"type": "string"}}}},
                "namespaceSelector": {"type": "object", "properties": {"any": {"type": "boolean"},
                                                                       "matchNames": {"type": "array", "items": {"type": "string"}}}},
                "endpoints": {"type": "array", "items": {"type": "object", "properties": {
                    "port": {"type": "string"}, "path": {"type": "string"}, "interval": DURATION, "scrapeTimeout": DURATION,
                    "scheme": {"enum": ["http", "https", "HTTP", "HTTPS"]}}}},
            },
        }},
    },
}


def yaml_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.yaml") if p.name != "kustomization.yaml")
        elif path.is_file():
            files.append(path)
        else:
            raise CheckFailure(f"{name}: no such file or directory")
    return files


def check_restricted_pod(document: Document) -> None:
    """The restricted Pod Security Standard, for the fields our manifests set."""
    body = document.body
    spec = body.get("spec") or {}
    if body.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        pod = ((spec.get("template") or {}).get("spec")) or {}
    elif body.get("kind") == "Pod":
        pod = spec
    else:
        return
    pod_context = pod.get("securityContext") or {}
    for container in (pod.get("initContainers") or []) + (pod.get("containers") or []):
        where = f"{document.identity}: container {container.get('name')}"
        context = container.get("securityContext") or {}
        if context.get("allowPrivilegeEscalation") is not False:
            raise CheckFailure(f"{where}: securityContext.allowPrivilegeEscalation must be false (restricted Pod Security Standard)")
        if "ALL" not in ((context.get("capabilities") or {}).get("drop") or []):
            raise CheckFailure(f"{where}: securityContext.capabilities.drop must contain ALL (restricted Pod Security Standard)")
        if not (context.get("runAsNonRoot") or pod_context.get("runAsNonRoot")):
            raise CheckFailure(f"{where}: runAsNonRoot must be true in the pod's or the container's securityContext (restricted Pod Security Standard)")
        seccomp = (context.get("seccompProfile") or pod_context.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            raise CheckFailure(f"{where}: seccompProfile.type must be RuntimeDefault or Localhost (restricted Pod Security Standard)")


def validate_document(document: Document, crds: CRDValidator, version: str) -> str:
    body = document.body
    for field in ("apiVersion", "kind"):
        if not body.get(field):
            raise CheckFailure(f"{document.identity}: {field} is missing")
    if not (body.get("metadata") or {}).get("name"):
        raise CheckFailure(f"{document.identity}: metadata.name is missing")
    key = (body["apiVersion"], body["kind"])
    if key in FOREIGN_SCHEMAS:
        errors = sorted(jsonschema.Draft7Validator(FOREIGN_SCHEMAS[key]).iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            path = ".".join(str(p) for p in errors[0].absolute_path) or "(root)"
            raise CheckFailure(f"{document.identity}: {path}: {errors[0].message}")
        return "the fields of its CRD the chart uses"
    if crds.handles(body):
        crds.validate(document)
        return "our CRD's schema"
    try:
        kubernetes_validate.validate(body, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(p) for p in error.path) or "(root)"
        raise CheckFailure(f"{document.identity}: {path}: {error.message}") from None
    except kubernetes_validate.SchemaNotFoundError:
        raise CheckFailure(f"{document.identity}: Kubernetes {version} has no kind {body['kind']} in {body['apiVersion']}") from None
    check_restricted_pod(document)
    return f"Kubernetes {version}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crds", required=True, help="directory of our CustomResourceDefinitions")
    parser.add_argument("--kubernetes-version", default=DEFAULT_KUBERNETES_VERSION)
    parser.add_argument("paths", nargs="+")
    arguments = parser.parse_args()
    try:
        crd_documents = [d for f in yaml_files([arguments.crds]) for d in load_file(f)]
        crds = CRDValidator(crd_documents)
        if not crds.versions:
            raise CheckFailure(f"{arguments.crds}: no CustomResourceDefinition found")
        count = 0
        for path in yaml_files(arguments.paths):
            documents = load_file(path)
            if not documents:
                raise CheckFailure(f"{path}: no Kubernetes object in the file")
            for document in documents:
                against = validate_document(document, crds, arguments.kubernetes_version)
                print(f"  valid ({against}): {document.identity}")
                count += 1
    except CheckFailure as failure:
        print(f"invalid: {failure}", file=sys.stderr)
        return 1
    print(f"  {count} objects valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
