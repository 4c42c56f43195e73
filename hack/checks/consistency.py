"""Checks that what is copied or named in two places agrees:
- crds: the chart's crds/ holds exactly the files of the top-level crds/ (but kustomization.yaml),
  byte for byte (hack/sync-chart-crds.sh copies them);
- dashboard: every metric the Grafana dashboard queries is one the programs define (Sources/);
- kustomize: every resource a kustomization.yaml lists exists;
- docs: every metric the programs define is in docs/metrics.md, and every condition reason the
  operator and local mode set is in docs/troubleshooting.md (each in backticks).

Usage: consistency.py crds CRDS_DIR CHART_CRDS_DIR
       consistency.py dashboard DASHBOARD_JSON SOURCES_DIR
       consistency.py kustomize KUSTOMIZATION...
       consistency.py docs DOCS_DIR SOURCES_DIR"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml


class Mismatch(Exception):
    pass


def check_crds(source: Path, chart: Path) -> str:
    wanted = {p.name for p in source.glob("*.yaml") if p.name != "kustomization.yaml"}
    present = {p.name for p in chart.glob("*.yaml")}
    if not wanted:
        raise Mismatch(f"{source}: no CRD files")
    problems = [f"{chart}/{n} is missing" for n in sorted(wanted - present)]
    problems += [f"{chart}/{n} is not in {source}" for n in sorted(present - wanted)]
    problems += [f"{chart}/{n} differs from {source}/{n}" for n in sorted(wanted & present)
                 if (source / n).read_bytes() != (chart / n).read_bytes()]
    if problems:
        raise Mismatch("; ".join(problems) + " (run hack/sync-chart-crds.sh)")
    return f"{len(wanted)} CRDs identical in {source} and {chart}"


# Metric names in the sources: swift-metrics labels, and the gateway's (namespace, name, unit)
# descriptors, which Prometheus joins with underscores.
LABEL = re.compile(r'\b(?:Counter|Gauge|Meter|Timer|Recorder|FloatingPointCounter)\(label: "([a-z_:][a-z0-9_:]*)"')
DESCRIPTOR = re.compile(r'name\("([a-z_]+)", unit: "([a-z_]*)"')
GATEWAY_NAMESPACE = "mcp_gateway"
PROMQL_NAME = re.compile(r"\b([a-z_:][a-z0-9_:]*)\s*(?:\{|\[)")
SUFFIXES = ("_bucket", "_sum", "_count")


def defined_metrics(sources: Path) -> set[str]:
    names: set[str] = set()
    for path in sources.rglob("*.swift"):
        text = path.read_text()
        names.update(LABEL.findall(text))
        if "MetricNameDescriptor" in text:
            names.update("_".join(p for p in (GATEWAY_NAMESPACE, metric, unit) if p) for metric, unit in DESCRIPTOR.findall(text))
    return names


def check_dashboard(dashboard: Path, sources: Path) -> str:
    try:
        board = json.loads(dashboard.read_text())
    except json.JSONDecodeError as error:
        raise Mismatch(f"{dashboard}: not JSON: {error}") from None
    defined = defined_metrics(sources)
    queried: dict[str, str] = {}
    panels = [p for p in board.get("panels", []) if p.get("type") != "row"]
    if not panels:
        raise Mismatch(f"{dashboard}: no panels")
    for panel in panels:
        for target in panel.get("targets", []):
            for name in PROMQL_NAME.findall(target.get("expr", "")):
                if name in ("by", "without", "on", "ignoring", "group_left", "group_right") or name.startswith("$"):
                    continue
                if re.search(rf"\b{re.escape(name)}\s*\(", target["expr"]):
                    continue  # a function
                base = next((name[: -len(s)] for s in SUFFIXES if name.endswith(s) and name[: -len(s)] in defined), name)
                queried[base] = panel.get("title", "?")
    unknown = sorted(n for n in queried if n not in defined)
    if unknown:
        raise Mismatch(f"{dashboard}: panels query metrics no program defines: "
                       + ", ".join(f"{n} (panel {queried[n]!r})" for n in unknown))
    return f"{len(panels)} panels query {len(queried)} metrics, all defined in {sources}"


def check_kustomizations(paths: list[Path]) -> str:
    count = 0
    for path in paths:
        document = yaml.safe_load(path.read_text()) or {}
        for resource in document.get("resources", []):
            target = path.parent / resource
            if not (target.is_file() or (target.is_dir() and (target / "kustomization.yaml").is_file())):
                raise Mismatch(f"{path}: resource {resource!r} does not exist (or is a directory without kustomization.yaml)")
            count += 1
    return f"{count} kustomize resources present"


# Condition reasons: the string constants of the reason enums, and the pod failures the operator
# reports as they are.
REASON_FILES = {
    "OperatorAPI/MCPServerReason.swift": None,
    "PolicyDistribution/Status/PolicyStatusBuilder.swift": "enum Reason",
    "LocalMode/Reconcile/LocalStatusBuilder.swift": "enum Reason",
}
REASON_CONSTANT = re.compile(r'static let [a-zA-Z]+ = "([A-Za-z]+)"')
QUOTED_WORD = re.compile(r'"([A-Z][A-Za-z]+)"')


def defined_reasons(sources: Path) -> set[str]:
    reasons: set[str] = set()
    for relative, enum in REASON_FILES.items():
        text = (sources / relative).read_text()
        if enum is not None:
            start = text.index(enum)
            text = text[start: text.index("\n    }", start)]
        reasons.update(REASON_CONSTANT.findall(text))
        if "podFailures" in text:
            block = text[text.index("podFailures"):]
            reasons.update(QUOTED_WORD.findall(block[: block.index("]")]))
    return reasons


def check_docs(docs: Path, sources: Path) -> str:
    problems = []
    metrics_page = (docs / "metrics.md").read_text()
    metrics = defined_metrics(sources)
    missing = sorted(m for m in metrics if f"`{m}`" not in metrics_page)
    if missing:
        problems.append(f"{docs}/metrics.md does not describe " + ", ".join(missing))
    troubleshooting = (docs / "troubleshooting.md").read_text()
    reasons = defined_reasons(sources)
    missing = sorted(r for r in reasons if f"`{r}`" not in troubleshooting)
    if missing:
        problems.append(f"{docs}/troubleshooting.md does not explain the reasons " + ", ".join(missing))
    if problems:
        raise Mismatch("; ".join(problems))
    return f"{len(metrics)} metrics in {docs}/metrics.md, {len(reasons)} condition reasons in {docs}/troubleshooting.md"


def main(argv: list[str]) -> int:
    try:
        if len(argv) == 3 and argv[0] == "crds":
            print("  " + check_crds(Path(argv[1]), Path(argv[2])))
        elif len(argv) == 3 and argv[0] == "dashboard":
            print("  " + check_dashboard(Path(argv[1]), Path(argv[2])))
        elif len(argv) == 3 and argv[0] == "docs":
            print("  " + check_docs(Path(argv[1]), Path(argv[2])))
        elif len(argv) >= 2 and argv[0] == "kustomize":
            print("  " + check_kustomizations([Path(a) for a in argv[1:]]))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Mismatch as error:
        print(f"mismatch: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
