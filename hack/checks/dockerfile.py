"""Static checks of the Dockerfile (it is not built here: no registry): every stage named
(`FROM image AS name`); every base image pinned by a tag other than `latest` (or a digest),
written out in the FROM line; each final image runs as a non-root user; the build stage links
the Swift runtime statically and builds the three programs; the runtime stage installs libcurl,
SQLite and CA certificates; OCI labels present; what COPY takes from the build context is in
the repository (present, not ignored by git); the gateway image holds the gateway's install folder
where the operator's pods run and copy it from (GatewayLayout.installDirectory and .binary), laid
out to run in any image: every `ldd` library and the loader in its lib/, the binary's interpreter
and RPATH patched (patchelf) to point there. A .dockerignore keeps .build out.

Usage: dockerfile.py DOCKERFILE [--dockerignore FILE] [--gateway-layout GatewayLayout.swift] [--context DIR]"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROGRAMS = ("mcp-operator", "mcp-gateway", "mcpctl")
RUNTIME_PACKAGES = ("ca-certificates", "libcurl4", "libsqlite3-0")
OCI_LABELS = ("org.opencontainers.image.title", "org.opencontainers.image.source", "org.opencontainers.image.version",
              "org.opencontainers.image.revision", "org.opencontainers.image.created")


class DockerfileError(Exception):
    pass


@dataclass
class Instruction:
    line: int
    keyword: str
    arguments: str


@dataclass
class Stage:
    line: int
    base: str
    name: str
    parent: "Stage | None"
    instructions: list[Instruction] = field(default_factory=list)

    def lineage(self) -> list["Stage"]:
        stages, stage = [], self
        while stage:
            stages.append(stage)
            stage = stage.parent
        return stages


def instructions(text: str) -> list[Instruction]:
    """Instructions with their first line; continuation lines joined, comments dropped."""
    result: list[Instruction] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        pending += line
        keyword, _, arguments = pending.partition(" ")
        result.append(Instruction(start, keyword.upper(), arguments.strip()))
        pending = ""
    if pending:
        raise DockerfileError(f"line {start}: the last instruction ends with a line continuation")
    return result


def stages_of(path: Path) -> list[Stage]:
    stages: list[Stage] = []
    for instruction in instructions(path.read_text()):
        if instruction.keyword == "FROM":
            words = [w for w in instruction.arguments.split() if not w.startswith("--platform=")]
            if len(words) != 3 or words[1].upper() != "AS":
                raise DockerfileError(f"{path}:{instruction.line}: FROM {instruction.arguments}: every stage must be named (FROM <image>:<tag> AS <name>)")
            base, name = words[0], words[2]
            if any(s.name == name for s in stages):
                raise DockerfileError(f"{path}:{instruction.line}: stage name {name!r} is used twice")
            parent = next((s for s in stages if s.name == base), None)
            if parent is None:
                check_pinned(path, instruction.line, base)
            stages.append(Stage(instruction.line, base, name, parent))
        elif not stages:
            if instruction.keyword != "ARG":
                raise DockerfileError(f"{path}:{instruction.line}: {instruction.keyword} before the first FROM")
        else:
            stages[-1].instructions.append(instruction)
    if not stages:
        raise DockerfileError(f"{path}: no FROM instruction")
    return stages


def check_pinned(path: Path, line: int, image: str) -> None:
    if "$" in image:
        raise DockerfileError(f"{path}:{line}: base image {image!r} comes from a build argument; write the pinned image in the FROM line")
    if "@sha256:" in image:
        return
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        raise DockerfileError(f"{path}:{line}: base image {image!r} has no tag; pin it (e.g. {image}:<version>)")
    tag = last.split(":", 1)[1]
    if tag == "latest" or not tag:
        raise DockerfileError(f"{path}:{line}: base image {image!r} uses the tag {tag!r}; pin a version tag")


def labels(stage: Stage) -> set[str]:
    keys: set[str] = set()
    for ancestor in stage.lineage():
        for instruction in ancestor.instructions:
            if instruction.keyword == "LABEL":
                keys.update(word.split("=", 1)[0] for word in shlex.split(instruction.arguments) if "=" in word)
    return keys


def user(stage: Stage) -> str | None:
    for ancestor in stage.lineage():
        users = [i.arguments for i in ancestor.instructions if i.keyword == "USER"]
        if users:
            return users[-1]
    return None


def layout_value(layout: Path, name: str) -> str:
    match = re.search(rf'static let {name}\s*=\s*"([^"]+)"', layout.read_text())
    if not match:
        raise DockerfileError(f"{layout}: no `static let {name} = \"...\"` found")
    return match.group(1)


def check_gateway_path(path: Path, stages: list[Stage], layout: Path) -> str:
    folder = layout_value(layout, "installDirectory")
    binary = layout_value(layout, "binary")
    if binary != f"{folder}/bin/mcp-gateway":
        raise DockerfileError(f"{layout}: binary {binary} is not {folder}/bin/mcp-gateway (installDirectory/bin)")
    gateway = next((s for s in stages if s.name == "gateway"), None)
    if gateway is None:
        raise DockerfileError(f"{path}: no stage named 'gateway' (the gateway image)")
    copies = [i for i in gateway.instructions if i.keyword == "COPY" and "mcp-gateway" in i.arguments]
    folder_copy = next((i for i in copies if i.arguments.split()[-1].rstrip("/") == folder), None)
    if folder_copy is None:
        raise DockerfileError(f"{path}:{gateway.line}: the gateway image must hold the gateway's install folder at {folder} "
                              f"(GatewayLayout.installDirectory in {layout}), where the operator's pods run and copy it from")
    entrypoints = [i.arguments for s in gateway.lineage() for i in s.instructions if i.keyword == "ENTRYPOINT"]
    if not entrypoints or binary not in entrypoints[0]:
        raise DockerfileError(f"{path}:{gateway.line}: the gateway image's ENTRYPOINT must run {binary} (GatewayLayout.binary)")
    source = re.search(r"--from=(\S+)", folder_copy.arguments)
    producer = next((s for s in stages if source and s.name == source.group(1)), None)
    if producer is None:
        raise DockerfileError(f"{path}:{folder_copy.line}: COPY {folder_copy.arguments}: the folder must come --from a build stage")
    script = " ".join(i.arguments for s in producer.lineage() for i in s.instructions if i.keyword == "RUN")
    # Shell variables set to literal paths in the script (`opt=/opt/mcp-gateway`) read as their values.
    for name, value in re.findall(r'\b([A-Za-z_]\w*)="?(/[^\s"]*)"?', script):
        script = script.replace("${" + name + "}", value).replace("$" + name, value)
    script = script.replace('"', "")
    needs = {
        "ldd": "copy every library `ldd` lists into lib/",
        "patchelf --set-interpreter " + folder + "/lib/": f"point the binary's interpreter at the loader in {folder}/lib",
        "--set-rpath " + folder + "/lib": f"point the binary's RPATH at {folder}/lib",
    }
    for needle, why in needs.items():
        if needle not in script:
            raise DockerfileError(f"{path}:{producer.line}: stage {producer.name!r} does not {why} (no `{needle}`), "
                                  f"so the gateway's folder would not run in a server's image")
    return f"gateway install folder at {folder}, entrypoint {binary}, libraries and loader patched in, as {layout.name} says"


def check_context_sources(path: Path, stages: list[Stage], context: Path) -> None:
    """Every file COPY takes from the build context is in the repository: present, and not
    ignored by git (a fresh clone would lack it)."""
    for stage in stages:
        for instruction in stage.instructions:
            if instruction.keyword not in ("COPY", "ADD") or "--from=" in instruction.arguments:
                continue
            words = [w for w in instruction.arguments.split() if not w.startswith("--")]
            for source in words[:-1]:
                if source == "." or any(c in source for c in "*?["):
                    continue
                if not (context / source).exists():
                    raise DockerfileError(f"{path}:{instruction.line}: COPY {source}: no such file in the build context")
                ignored = subprocess.run(["git", "-C", str(context), "check-ignore", "-q", source], capture_output=True)
                if ignored.returncode == 0:
                    raise DockerfileError(f"{path}:{instruction.line}: COPY {source}: git ignores it, so a fresh clone lacks it")


def check(path: Path, dockerignore: Path | None, layout: Path | None = None, context: Path | None = None) -> list[str]:
    notes: list[str] = []
    stages = stages_of(path)
    check_context_sources(path, stages, context or path.parent)
    notes.append("stages: " + ", ".join(f"{s.name} (FROM {s.base})" for s in stages))
    used = {s.base for s in stages} | {m for s in stages for i in s.instructions if i.keyword == "COPY"
                                       for m in re.findall(r"--from=(\S+)", i.arguments)}
    finals = [s for s in stages if s.name not in used]
    builds = " ".join(i.arguments for s in stages for i in s.instructions if i.keyword == "RUN" and "swift build" in i.arguments)
    if "--static-swift-stdlib" not in builds:
        raise DockerfileError(f"{path}: no `swift build ... --static-swift-stdlib`: link the Swift runtime statically")
    for program in PROGRAMS:
        if f"--product {program}" not in builds:
            raise DockerfileError(f"{path}: {program} is not built (`swift build --product {program}`)")
    for stage in finals:
        who = user(stage)
        if who is None or who.split(":")[0] in ("0", "root"):
            raise DockerfileError(f"{path}:{stage.line}: the image of stage {stage.name!r} runs as root; add USER <non-root uid>")
        missing = [k for k in OCI_LABELS if k not in labels(stage)]
        if missing:
            raise DockerfileError(f"{path}:{stage.line}: the image of stage {stage.name!r} lacks the OCI labels {', '.join(missing)}")
        installs = " ".join(i.arguments for s in stage.lineage() for i in s.instructions if i.keyword == "RUN")
        absent = [p for p in RUNTIME_PACKAGES if not re.search(rf"(^|\s){re.escape(p)}(\s|$)", installs)]
        if absent:
            raise DockerfileError(f"{path}:{stage.line}: the image of stage {stage.name!r} does not install {', '.join(absent)}")
    shipped = {p for s in finals for i in s.instructions if i.keyword == "COPY" for p in PROGRAMS if f"/{p} " in i.arguments + " "}
    if set(PROGRAMS) - shipped:
        raise DockerfileError(f"{path}: no image ships {', '.join(sorted(set(PROGRAMS) - shipped))}")
    if layout is not None:
        notes.append(check_gateway_path(path, stages, layout))
    notes.append("images (final stages): " + ", ".join(f"{s.name} as user {user(s)}" for s in finals))
    if dockerignore is not None:
        if not dockerignore.is_file():
            raise DockerfileError(f"{dockerignore}: missing; the build context would include .build")
        entries = {line.strip().rstrip("/") for line in dockerignore.read_text().splitlines() if line.strip() and not line.startswith("#")}
        if ".build" not in entries:
            raise DockerfileError(f"{dockerignore}: .build/ is not ignored")
    return notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dockerfile", type=Path)
    parser.add_argument("--dockerignore", type=Path)
    parser.add_argument("--gateway-layout", type=Path)
    parser.add_argument("--context", type=Path, help="the build context (default: the Dockerfile's folder)")
    arguments = parser.parse_args()
    try:
        for note in check(arguments.dockerfile, arguments.dockerignore, arguments.gateway_layout, arguments.context):
            print(f"  {note}")
    except DockerfileError as error:
        print(f"invalid: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"invalid: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
