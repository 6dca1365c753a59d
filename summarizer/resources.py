"""Files that ship with the package: prompt templates and exported JSON Schemas.

In a wheel they live inside the package (`summarizer/prompts`, `summarizer/schemas`, put there
by the build); in a source checkout they are the top-level `prompts/` and `schemas/` folders.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder holding the `name` resources (`prompts` or `schemas`)."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder is missing from this installation")


@cache
def prompt(name: str) -> str:
    """The text of prompts/<name>.md."""
    return (resource_dir("prompts") / f"{name}.md").read_text(encoding="utf-8")


@cache
def prompt_version() -> str:
    """A content hash of every prompt file: changes whenever any prompt's wording changes."""
    digest = hashlib.sha256()
    for path in sorted(resource_dir("prompts").glob("*.md")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
