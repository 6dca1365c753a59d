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


def _modules_loaded_by(argv: list[str]) -> list[str]:
    """The summarizer, pydantic and LLM modules a CLI invocation imports (run in a fresh interpreter)."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom summarizer.cli import main\nsys.argv = ['summarizer', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'summarizer', 'pydantic', 'openai', 'instructor'}), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT)
    return ast.literal_eval(done.stderr.strip().splitlines()[-1])


def test_help_imports_no_engine_normalization_schema_or_pydantic():
    loaded = _modules_loaded_by(["--help"])
    assert "summarizer.cli" in loaded
    assert not [m for m in loaded if m.startswith(("pydantic", "summarizer.engines", "summarizer.normalize"))]
    assert "summarizer.schema" not in loaded and "summarizer.api" not in loaded


def test_schema_prints_the_exported_file_without_building_models():
    loaded = _modules_loaded_by(["schema"])
    assert "summarizer.resources" in loaded
    # typer 0.29 itself imports pydantic to coerce parameters; the project's models stay unbuilt
    assert not [
        m for m in loaded if m.startswith(("summarizer.schema", "summarizer.engines", "summarizer.normalize"))
    ]


def test_only_the_distributed_module_imports_ray_and_only_when_asked():
    """Ray is an optional extra: a batch without `--ray` must never need it (nor pay for it)."""
    importers = sorted(
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if any(
            isinstance(node, ast.Import | ast.ImportFrom)
            and any(name.split(".")[0] == "ray" for name in _imported_names(node))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    )
    assert importers == ["summarizer/distributed.py"]
    assert "ray" not in module_level_imports(PACKAGE / "distributed.py")
    assert not [m for m in _modules_loaded_by(["batch", "--help"]) if m == "summarizer.distributed"]


def _imported_names(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module] if node.module and node.level == 0 else []
    return [alias.name for alias in node.names]
