"""A lesson's plain AutoGen code: its code cells with the course's lines taken out.

The course's lines are the ones a learner does not copy: the imports from ``hitl_modes.course``, and
every statement that calls ``course.`` (``course.script``, ``course.check``) or uses a name imported
from the course (an exercise's check). What is left is the code the lesson teaches: plain AutoGen,
and in the lessons about this toolkit's own agents and gates (``from hitl_modes import
SmartUserProxy``) those too. A test runs it in a process that never imports the course, the scripted
model or the scripted human (and no ``hitl_modes`` at all where the lesson's code imports none),
against a loopback model server and a piped stdin (``tests/support/plain.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import List, Set

from .cells import lesson_cells

__all__ = ["plain_code", "course_names"]


def _is_course_module(module: str) -> bool:
    return module == "hitl_modes.course" or module.startswith("hitl_modes.course.")


def course_names(tree: ast.Module) -> Set[str]:
    """The names a lesson binds from ``hitl_modes.course`` (and ``course``, what its setup returns)."""
    names = {"course"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _is_course_module(node.module or ""):
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if _is_course_module(a.name))
    return names


class _Strip(ast.NodeTransformer):
    def __init__(self, names: Set[str]) -> None:
        self.names = names

    def _is_course(self, node: ast.stmt) -> bool:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return bool(course_names(ast.Module(body=[node], type_ignores=[])) - {"course"})
        if isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While, ast.With, ast.Try)
        ):
            return False  # a block is kept; its course lines are taken out one by one
        return any(isinstance(n, ast.Name) and n.id in self.names for n in ast.walk(node))

    def _body(self, body: List[ast.stmt]) -> List[ast.stmt]:
        kept = [self.visit(n) for n in body if not self._is_course(n)]
        return kept or [ast.Pass()]

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(node, field, None), list) and getattr(node, field):
                setattr(node, field, self._body(getattr(node, field)))
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                handler.body = self._body(handler.body)
        return node


def plain_code(path: Path) -> str:
    """The lesson's code cells, in order, with the course's lines taken out (as Python source)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    code = "\n".join("\n".join(lines[first:last]) for kind, first, last in lesson_cells(lines) if kind == "code")
    tree = ast.parse(code, str(path))
    stripper = _Strip(course_names(tree))
    tree.body = [stripper.visit(n) for n in tree.body if not stripper._is_course(n)]
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"
