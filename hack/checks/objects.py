"""Loading Kubernetes objects from YAML files, and naming them in messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


class CheckFailure(Exception):
    """A check found something wrong; the message names the file and the object."""


@dataclass
class Document:
    """One YAML document of a file: where it is, and what it holds."""
    source: str
    line: int
    body: dict

    @property
    def identity(self) -> str:
        meta = self.body.get("metadata") or {}
        namespace = f"{meta['namespace']}/" if meta.get("namespace") else ""
        return f"{self.source}:{self.line}: {self.body.get('kind', '?')} {namespace}{meta.get('name', '?')}"


def load_documents(text: str, source: str) -> list[Document]:
    """Parses every non-empty YAML document of `text`; a YAML error names the line."""
    documents: list[Document] = []
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise CheckFailure(f"{source}: not valid YAML: {error}") from None
    for node in nodes:
        if node is None:
            continue
        body = yaml.load(yaml.serialize(node), Loader=yaml.SafeLoader)  # noqa: S506 (SafeLoader)
        if body is None:
            continue
        line = node.start_mark.line + 1
        if not isinstance(body, dict):
            raise CheckFailure(f"{source}:{line}: a document is not a mapping (got {type(body).__name__})")
        documents.append(Document(source, line, body))
    return documents


def load_file(path: Path) -> list[Document]:
    return load_documents(path.read_text(), str(path))
