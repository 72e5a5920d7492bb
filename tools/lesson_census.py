"""``python tools/lesson_census.py``: how much of each lesson's code is AutoGen, and how much the course.

Every non-blank, non-comment line of a lesson's code cells is counted once, for the innermost
statement that holds it:

- **autogen**: AutoGen calls and settings. A statement that uses ``autogen``, ``llm_config`` or
  ``config_list``, or a name bound from one (agents, a ``ChatResult``, what is read from it), or a
  function that does (``is_termination_msg``, a tool, a helper that starts a chat).
- **library**: this toolkit's own agents and gates, which some lessons teach (``from hitl_modes import
  SmartUserProxy``): a statement that uses a name imported from ``hitl_modes`` outside the course, and
  no AutoGen name.
- **course**: the course's own lines: imports from ``hitl_modes.course``, ``course.script``/``check``,
  an exercise's check, and anything bound from them.
- **other**: plain Python (a print of a number, a loop counter).

Issue 20's bar: in every lesson at least 35% autogen (45% on average), course at most 20% on average.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Set

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hitl_modes.course.cells import lesson_cells  # noqa: E402
from hitl_modes.course.plain import course_names  # noqa: E402

__all__ = ["Census", "census", "main", "AUTOGEN_SEEDS"]

#: Names that are AutoGen before any dataflow: the module, and the config a learner writes for it.
AUTOGEN_SEEDS = frozenset({"autogen", "llm_config", "config_list"})
_COMPOUND = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
)


@dataclass(frozen=True)
class Census:
    lesson: str
    autogen: int
    course: int
    other: int
    library: int = 0

    @property
    def total(self) -> int:
        return self.autogen + self.course + self.other + self.library

    def share(self, kind: str) -> float:
        return getattr(self, kind) / self.total if self.total else 0.0


def _names(node: ast.AST) -> Set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _bound(node: ast.AST) -> Set[str]:
    """Names a statement binds (assignment targets, for-loop targets, with-as, def/class names)."""
    out: Set[str] = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.add(node.name)
    targets: List[ast.AST] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    for t in targets:
        out |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
    return out


def _course_names(tree: ast.Module) -> Set[str]:
    """The names a lesson binds from ``hitl_modes``, and every name bound from a statement that uses
    one (to a fixpoint): ``lesson = Lesson.setup(...)``, ``run = lesson.run(...)`` are the course's."""
    names = course_names(tree)
    statements = [n for n in ast.walk(tree) if isinstance(n, ast.stmt) and not isinstance(n, _COMPOUND)]
    while True:
        before = len(names)
        for node in statements:
            if _names(node) & names:
                names |= _bound(node)
        if len(names) == before:
            return names


def _autogen_names(tree: ast.Module, course: Set[str], seeds: Set[str] = AUTOGEN_SEEDS) -> Set[str]:
    """``seeds``, and every name bound from an expression that uses one (to a fixpoint);
    a function whose body uses one; names passed to an AutoGen call as arguments."""
    names = set(seeds)
    statements = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    while True:
        before = len(names)
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)) or _names(node) & course:
                continue
            used = (
                _names(node) - _bound(node)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                else _names(node)
            )
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if used & names:
                    names.add(node.name)
                continue
            if isinstance(node, _COMPOUND):
                continue
            if used & names:
                names |= _bound(node)
                for call in (n for n in ast.walk(node) if isinstance(n, ast.Call) and _names(n.func) & names):
                    names |= {a.id for a in [*call.args, *(k.value for k in call.keywords)] if isinstance(a, ast.Name)}
        if len(names) == before:
            return names


def _library_names(tree: ast.Module) -> Set[str]:
    """Names imported from ``hitl_modes`` outside its course: the toolkit's agents and gates."""
    names: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "hitl_modes":
            names.update(a.asname or a.name for a in node.names)
    return names - course_names(tree)


def _kind(node: ast.stmt, autogen: Set[str], course: Set[str], library: Set[str] = frozenset()) -> str:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        if any(m.split(".")[0] == "hitl_modes" for m in modules):
            return "course" if any(m.startswith("hitl_modes.course") for m in modules) else "library"
        return "autogen" if any(m.split(".")[0] == "autogen" for m in modules) else "other"
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return "autogen" if node.name in autogen else "library" if node.name in library else "other"
    header = [getattr(node, f) for f in ("test", "iter", "target") if getattr(node, f, None) is not None]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        header = [i.context_expr for i in node.items]
    scope = header if isinstance(node, _COMPOUND) else [node]
    used = set().union(*(_names(n) for n in scope)) if scope else set()
    if used & course:
        return "course"
    return "autogen" if used & autogen else "library" if used & library else "other"


def census(path: Path) -> Census:
    lines = path.read_text(encoding="utf-8").splitlines()
    code_lines: Set[int] = set()
    for kind, first, last in lesson_cells(lines):
        if kind == "code":
            code_lines |= {
                n
                for n in range(first + 1, last + 1)
                if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")
            }
    tree = ast.parse(
        "\n".join(line if n in code_lines or not line.startswith("# %%") else "" for n, line in enumerate(lines, 1))
    )
    course = _course_names(tree)
    autogen = _autogen_names(tree, course)
    library = _library_names(tree)
    library = _autogen_names(tree, course, seeds=library) - autogen
    owner: Dict[int, str] = {}

    def visit(body: List[ast.stmt]) -> None:
        for node in body:
            kind = _kind(node, autogen, course, library)
            for n in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                owner[n] = kind
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(node, field, None)
                if isinstance(node, _COMPOUND) and isinstance(inner, list):
                    visit(inner)
            for handler in getattr(node, "handlers", []):
                visit(handler.body)

    visit(tree.body)
    counts = {"autogen": 0, "course": 0, "other": 0, "library": 0}
    for n in code_lines:
        counts[owner.get(n, "other")] += 1
    return Census(path.stem, **counts)


def main(argv: List[str]) -> int:
    from hitl_modes.course.catalog import list_lessons

    rows = [census(p) for p in list_lessons()]
    kinds = ("autogen", "library", "course", "other")
    print(f"{'lesson':<28} {'lines':>5} " + " ".join(f"{k:>8}" for k in kinds))
    for r in rows:
        print(f"{r.lesson:<28} {r.total:>5} " + " ".join(f"{r.share(k):>8.0%}" for k in kinds))
    avg = {k: sum(r.share(k) for r in rows) / len(rows) for k in kinds}
    print(f"{'average':<28} {'':>5} " + " ".join(f"{avg[k]:>8.0%}" for k in kinds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
