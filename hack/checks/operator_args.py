"""Runs the real mcp-operator binary with the arguments each rendered Deployment gives it, and
with every log level, log format and gateway image pull policy values.schema.json allows: each run must get past argument
parsing and validation to loading the (missing) kubeconfig, so a flag the operator does not
know, or a value it refuses, fails here instead of crash-looping in a cluster.

Usage: operator_args.py --binary PATH --schema values.schema.json MANIFEST..."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from objects import CheckFailure, load_file

MISSING_KUBECONFIG = "/nonexistent/mcp-operator-checks/kubeconfig"
REACHED_CONFIGURATION = "cannot load the Kubernetes client configuration"


def run(binary: Path, arguments: list[str], where: str) -> None:
    command = [str(binary), *arguments, "--kubeconfig", MISSING_KUBECONFIG]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                env={"POD_NAMESPACE": "mcp-operator-system", "POD_NAME": "checks", "PATH": "/usr/bin:/bin"})
    except subprocess.TimeoutExpired:
        raise CheckFailure(f"{where}: mcp-operator did not stop within 60 s with a missing kubeconfig") from None
    output = (result.stdout + result.stderr).strip()
    if REACHED_CONFIGURATION not in output:
        first = output.splitlines()[0] if output else f"exit status {result.returncode}, no output"
        raise CheckFailure(f"{where}: mcp-operator refuses the arguments {arguments}: {first}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, type=Path)
    parser.add_argument("--schema", type=Path)
    parser.add_argument("manifests", nargs="*", type=Path)
    options = parser.parse_args()
    try:
        if not options.binary.is_file():
            raise CheckFailure(f"{options.binary}: no such binary (build it: swift build --product mcp-operator)")
        count = 0
        for path in options.manifests:
            for document in load_file(path):
                if document.body.get("kind") != "Deployment":
                    continue
                for container in document.body["spec"]["template"]["spec"]["containers"]:
                    if "mcp-operator" not in container.get("image", ""):
                        continue
                    run(options.binary, [str(a) for a in container.get("args", [])], f"{document.identity}: container {container['name']}")
                    count += 1
        if options.schema:
            schema = json.loads(options.schema.read_text())["properties"]
            for level in schema["logLevel"]["enum"]:
                run(options.binary, [f"--log-level={level}"], f"{options.schema}: logLevel {level!r}")
            for log_format in schema["logFormat"]["enum"]:
                run(options.binary, [f"--log-format={log_format}"], f"{options.schema}: logFormat {log_format!r}")
            for policy in schema["gateway"]["properties"]["image"]["properties"]["pullPolicy"]["enum"]:
                run(options.binary, [f"--gateway-image-pull-policy={policy}"], f"{options.schema}: gateway.image.pullPolicy {policy!r}")
            print(f"  mcp-operator accepts every logLevel, logFormat and gateway.image.pullPolicy of {options.schema}")
        print(f"  mcp-operator accepts the arguments of {count} operator Deployments")
    except CheckFailure as failure:
        print(f"failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
