"""The walls that import-linter (`lint-imports`, run by .ci/run) cannot state.

`openai`, `instructor` and their HTTP stack cost about two seconds to import: only the LLM
engine's own modules may import them, and only inside the functions that talk to a model, so
`--help`, `schema`, `eval` and the offline engine never pay for them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

HEAVY = {"openai", "instructor", "httpx", "httpx2", "tiktoken"}
PACKAGE = ROOT / "summarizer"


def module_level_imports(path: Path) -> set[str]:
    """Top-level package names imported when `path` is imported (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        nodes = [node]
        if isinstance(node, ast.If | ast.Try):  # imports guarded at module level still run
            nodes = list(ast.walk(node))
        for inner in nodes:
            if isinstance(inner, ast.Import):
                names |= {alias.name.split(".")[0] for alias in inner.names}
            elif isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                names.add(inner.module.split(".")[0])
    return names


def test_no_module_imports_the_llm_stack_at_module_level():
    offenders = {
        str(path.relative_to(ROOT)): sorted(module_level_imports(path) & HEAVY)
        for path in PACKAGE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_sees_a_module_level_import():
    source = ROOT / "tests" / "test_architecture.py"
    assert "ast" in module_level_imports(source) and "openai" not in module_level_imports(source)
