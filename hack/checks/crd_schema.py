"""Validates custom resources against the openAPIV3Schema of our CRDs, as the API server would:
types, required fields, enums, patterns and bounds (JSON Schema), unknown fields refused (as
`kubectl apply` does with its default strict field validation), list-map keys unique, and the
CEL rules (x-kubernetes-validations) evaluated with cel-python. Rules that compare with
`oldSelf` only apply to updates and are not evaluated."""

from __future__ import annotations

import copy
import re
from typing import Any

import celpy
import jsonschema

from objects import CheckFailure, Document

DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"


def to_json_schema(schema: dict) -> dict:
    """The OpenAPI v3 structural schema as JSON Schema (draft 7), unknown fields refused."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":
            out["properties"] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key == "items":
            out["items"] = to_json_schema(value)
        elif key == "additionalProperties":
            out["additionalProperties"] = to_json_schema(value) if isinstance(value, dict) else value
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [to_json_schema(sub) for sub in value]
        elif key == "not":
            out["not"] = to_json_schema(value)
        elif key.startswith("x-kubernetes-") or key in ("nullable", "format", "description", "example", "default"):
            continue
        else:
            out[key] = value
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if schema.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    if schema.get("type") == "object" and "properties" in schema and "additionalProperties" not in schema \
            and not schema.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


class CRDValidator:
    """Validates objects of the kinds the given CRDs define."""

    def __init__(self, crds: list[Document]):
        self.versions: dict[tuple[str, str], tuple[dict, str]] = {}
        self.cel = celpy.Environment()
        self.programs: dict[str, Any] = {}
        for document in crds:
            crd = document.body
            if crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            for version in spec["versions"]:
                if not version.get("served", True):
                    continue
                api_version = f"{spec['group']}/{version['name']}"
                self.versions[(api_version, spec["names"]["kind"])] = (version["schema"]["openAPIV3Schema"], spec["scope"])

    def handles(self, body: dict) -> bool:
        return (body.get("apiVersion"), body.get("kind")) in self.versions or \
            str(body.get("apiVersion", "")).split("/")[0] in {a.split("/")[0] for a, _ in self.versions}

    def validate(self, document: Document) -> None:
        body = document.body
        key = (body.get("apiVersion"), body.get("kind"))
        if key not in self.versions:
            raise CheckFailure(f"{document.identity}: no CRD serves {key[1]} in {key[0]}")
        schema, scope = self.versions[key]
        meta = body.get("metadata") or {}
        name = meta.get("name", "")
        if not isinstance(name, str) or not name:
            raise CheckFailure(f"{document.identity}: metadata.name is required")
        if len(name) > 253 or not re.match(DNS_SUBDOMAIN, name):
            raise CheckFailure(f"{document.identity}: metadata.name \"{name}\" is not a DNS subdomain")
        if scope == "Cluster" and meta.get("namespace"):
            raise CheckFailure(f"{document.identity}: {key[1]} is cluster-scoped; metadata.namespace must not be set")
        # The API server owns metadata's schema; check the rest.
        instance = copy.deepcopy(body)
        instance["metadata"] = {}
        json_schema = to_json_schema(schema)
        json_schema.setdefault("properties", {})["metadata"] = {"type": "object"}
        validator = jsonschema.Draft7Validator(json_schema)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            error = errors[0]
            path = ".".join(str(p) for p in error.absolute_path) or "(root)"
            raise CheckFailure(f"{document.identity}: {path}: {error.message}")
        self.check_extensions(schema, body, "", document)

    def check_extensions(self, schema: dict, value: Any, path: str, document: Document) -> None:
        """List-map keys and CEL rules, walking the schema and the value together."""
        if value is None:
            return
        for rule in schema.get("x-kubernetes-validations", []):
            expression = rule["rule"]
            if "oldSelf" in expression:
                continue
            program = self.programs.get(expression)
            if program is None:
                program = self.cel.program(self.cel.compile(expression))
                self.programs[expression] = program
            try:
                result = program.evaluate({"self": celpy.json_to_cel(value)})
            except Exception as error:  # an evaluation error fails the object, as in the API server
                raise CheckFailure(f"{document.identity}: {path or '(root)'}: rule {expression!r} could not be evaluated: {error}") from None
            if not bool(result):
                message = rule.get("message") or f"failed rule: {expression}"
                raise CheckFailure(f"{document.identity}: {path or '(root)'}: {message}")
        if isinstance(value, dict):
            for name, sub in (schema.get("properties") or {}).items():
                if name in value:
                    self.check_extensions(sub, value[name], f"{path}.{name}" if path else name, document)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                for name, item in value.items():
                    self.check_extensions(extra, item, f"{path}.{name}" if path else name, document)
        elif isinstance(value, list):
            items = schema.get("items") or {}
            list_type = schema.get("x-kubernetes-list-type")
            if list_type == "map":
                keys = schema.get("x-kubernetes-list-map-keys", [])
                seen: dict[tuple, int] = {}
                for index, item in enumerate(value):
                    identity = tuple(item.get(k) if isinstance(item, dict) else None for k in keys)
                    if identity in seen:
                        shown = ", ".join(f"{k}={v!r}" for k, v in zip(keys, identity))
                        raise CheckFailure(f"{document.identity}: {path}[{index}]: duplicate entry ({shown}), also at [{seen[identity]}]")
                    seen[identity] = index
            elif list_type == "set":
                for index, item in enumerate(value):
                    if item in value[:index]:
                        raise CheckFailure(f"{document.identity}: {path}[{index}]: duplicate value {item!r} in a set")
            for index, item in enumerate(value):
                self.check_extensions(items, item, f"{path}[{index}]", document)
