"""The real Helm engine (helm-sdkpy, Helm v4) on our chart: lint, and render by installing into
the in-memory API server of fake_kube_api.py with Helm's memory storage driver. helm-sdkpy has no
client-only `template` action; its install action renders with the chart's values checked
against values.schema.json, and returns the manifest it applied."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from fake_kube_api import FakeKubeAPI

# Helm must keep releases in memory, not in Secrets. Its Go runtime reads the environment once,
# when the process starts, so the process starts again with the variable set.
if os.environ.get("HELM_DRIVER") != "memory":
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "HELM_DRIVER": "memory"})

import helm_sdkpy  # noqa: E402  (after HELM_DRIVER)

LINT_SEVERITIES = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


class RenderError(Exception):
    """Helm refused the chart or the values; the message is Helm's."""


def lint(chart: Path) -> list[tuple[str, str]]:
    """Helm's linter: [(severity, path)] of every message. helm-sdkpy passes the messages' paths
    and severities but not their text."""
    result = asyncio.run(helm_sdkpy.Lint(helm_sdkpy.Configuration()).run(str(chart)))
    return [(LINT_SEVERITIES.get(m.get("Severity"), "?"), m.get("Path", "?")) for m in result.get("Messages") or []]


class Renderer:
    """Renders the chart against a fake API server, one release per call."""

    def __init__(self) -> None:
        self.api = FakeKubeAPI()
        self.kubeconfig = ""
        self.count = 0

    def __enter__(self) -> "Renderer":
        self.api.__enter__()
        handle, self.kubeconfig = tempfile.mkstemp(suffix=".kubeconfig.json")
        with os.fdopen(handle, "w") as file:
            file.write(self.api.kubeconfig())
        return self

    def __exit__(self, *exc) -> None:
        os.unlink(self.kubeconfig)
        self.api.__exit__(*exc)

    def render(self, chart: Path, values: dict, namespace: str, release: str = "") -> tuple[str, str]:
        """The rendered manifest (templates only; the chart's crds/ are applied, not returned)
        and the rendered NOTES.txt."""
        self.count += 1
        release = release or f"check{self.count}"
        configuration = helm_sdkpy.Configuration(namespace=namespace, kubeconfig=self.kubeconfig)
        try:
            result = asyncio.run(helm_sdkpy.Install(configuration).run(release, str(chart), values=values or None, wait=False, timeout=60))
        except helm_sdkpy.HelmError as error:
            raise RenderError(str(error)) from None
        return result.get("manifest") or "", (result.get("info") or {}).get("notes") or ""
