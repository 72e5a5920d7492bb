"""The package's shape: small modules, private names that stay private, and no re-exports that
hide where a thing lives (callers import it from the module that defines it)."""

from __future__ import annotations

import ast
from pathlib import Path

import hitl_modes

PACKAGE = Path(hitl_modes.__file__).resolve().parent
MODULES = sorted(PACKAGE.rglob("*.py"))


def name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


#: Modules still over the limit, each waiting for its own split (issue 10). Remove a line when done.
NOT_YET_SPLIT: set = set()


def test_no_module_is_over_600_lines():
    long = {name(p) for p in MODULES if len(p.read_text(encoding="utf-8").splitlines()) > 600}
    assert long == NOT_YET_SPLIT


def test_no_private_name_or_module_is_imported_from_another_module_of_the_package():
    crossing = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("hitl_modes")):
                crossing += [f"{name(path)}: {a.name}" for a in node.names if a.name.startswith("_")]
                parts = (node.module or "").split(".")
                crossing += [f"{name(path)}: module {node.module}" for p in parts if p.startswith("_")]
    assert crossing == []


def test_a_modules_all_lists_only_what_it_defines():
    """``__all__`` is what a module defines; a name it imports is imported from where it lives.
    (The package's ``__init__`` is the one front door: its lazy exports are checked elsewhere.)"""
    reexported = []
    for path in MODULES:
        if path == PACKAGE / "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.asname or alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
                listed = {e.value for e in getattr(node.value, "elts", []) if isinstance(e, ast.Constant)}
                reexported += [f"{name(path)}: {n}" for n in sorted(listed & imported)]
    assert reexported == []


def test_every_lazy_export_names_the_module_that_defines_it():
    import importlib

    for public, module in hitl_modes._EXPORTS.items():
        value = getattr(importlib.import_module(f"hitl_modes.{module}"), public)
        defined_in = getattr(value, "__module__", None)
        if defined_in is not None and not isinstance(value, (str, tuple, frozenset)):
            assert defined_in == f"hitl_modes.{module}", f"{public} lives in {defined_in}, not {module}"


TOP_LEVEL = {"__init__", "__main__", "cli", "errors", "testing"}
SUBPACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def test_the_top_level_holds_only_the_entry_points():
    assert {p.stem for p in PACKAGE.glob("*.py")} == TOP_LEVEL
    assert set(SUBPACKAGES) >= {"chat", "agents", "approvals", "risk", "sandbox", "inbox", "course"}


def test_each_subpackage_says_its_one_concept_and_lists_its_modules():
    missing = []
    for sub in SUBPACKAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / sub / "__init__.py").read_text(encoding="utf-8"))) or ""
        if "One concept" not in doc:
            missing.append(f"{sub}: say its one concept")
        listed = {line.split()[0].rstrip("/") for line in doc.splitlines() if line.startswith("    ") and line.strip()}
        present = {p.stem for p in (PACKAGE / sub).glob("*.py") if p.stem != "__init__"}
        present |= {p.name for p in (PACKAGE / sub).iterdir() if p.is_dir() and p.name != "__pycache__"}
        missing += [f"{sub}: list {m}" for m in sorted(present - listed)]
    assert missing == []


def test_the_chat_doubles_stand_on_nothing_but_errors():
    """chat/ is what every other part stands on: it must not reach up into them."""
    reaching_up = []
    for path in (PACKAGE / "chat").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module not in (None, "errors"):
                reaching_up.append(f"{name(path)}: from ..{node.module}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hitl_modes."):
                if not (node.module or "").startswith(("hitl_modes.chat", "hitl_modes.errors")):
                    reaching_up.append(f"{name(path)}: from {node.module}")
    assert reaching_up == []
