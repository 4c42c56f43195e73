"""Installs or uninstalls the chart on a real cluster with the Helm engine of helm-sdkpy, for
hack/e2e.sh on machines without the helm command.

Usage: e2e_helm.py install RELEASE NAMESPACE CHART VALUES_JSON TIMEOUT_SECONDS
       e2e_helm.py uninstall RELEASE NAMESPACE"""

from __future__ import annotations

import asyncio
import json
import sys

import helm_sdkpy


def main(argv: list[str]) -> int:
    try:
        if len(argv) == 6 and argv[0] == "install":
            release, namespace, chart, values, timeout = argv[1], argv[2], argv[3], json.loads(argv[4]), int(argv[5])
            configuration = helm_sdkpy.Configuration(namespace=namespace)
            result = asyncio.run(helm_sdkpy.Upgrade(configuration).run(
                release, chart, values=values, install=True, create_namespace=True, wait=True, timeout=timeout))
            print(f"  release {result.get('name', release)} version {result.get('version', '?')} in {namespace}")
        elif len(argv) == 3 and argv[0] == "uninstall":
            configuration = helm_sdkpy.Configuration(namespace=argv[2])
            asyncio.run(helm_sdkpy.Uninstall(configuration).run(argv[1]))
            print(f"  release {argv[1]} uninstalled")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except helm_sdkpy.HelmError as error:
        print(f"helm: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
