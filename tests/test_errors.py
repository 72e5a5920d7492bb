"""errors.py holds the whole exception and warning tree, and its docstring draws that tree truly."""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import hitl_modes
from hitl_modes import errors

PACKAGE = Path(hitl_modes.__file__).resolve().parent


def exception_names(namespace):
    return {n for n, value in vars(namespace).items() if isinstance(value, type) and issubclass(value, BaseException)}


BUILTIN_EXCEPTIONS = exception_names(builtins)
DEFINED = exception_names(errors)


def exception_classes_outside_errors():
    """Every class in the package (nested ones too) that derives from an exception or warning."""
    known = BUILTIN_EXCEPTIONS | DEFINED | {"HTTPException"}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                if bases & known or node.name.endswith(("Error", "Warning", "Exception")):
                    found.append(f"{path.relative_to(PACKAGE.parent)}: class {node.name}")
    return found


def test_every_exception_and_warning_class_is_defined_in_errors():
    assert exception_classes_outside_errors() == []


def test_only_errors_and_the_package_export_them():
    """No module re-exports an error in its own __all__, hiding where it lives."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
                names = {elt.value for elt in getattr(node.value, "elts", []) if isinstance(elt, ast.Constant)}
                if path.parent != PACKAGE or path.name not in ("errors.py", "__init__.py"):
                    offenders += [f"{path.relative_to(PACKAGE.parent)}: {n}" for n in sorted(names & DEFINED)]
    assert offenders == []


def drawn_tree():
    """{class name: parent name or None} from the tree drawn in the docstring."""
    parents, stack = {}, []
    for line in errors.__doc__.splitlines():
        m = re.match(r"^(\s*(?:[│├└─ ]*))([A-Z]\w+(?:Error|Warning))\b", line)
        if not m:
            continue
        depth = len(m.group(1))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[m.group(2)] = stack[-1][1] if stack else None
        stack.append((depth, m.group(2)))
    return parents


def test_the_docstring_draws_every_class_under_its_real_parent():
    tree = drawn_tree()
    assert set(tree) == DEFINED == set(errors.__all__)
    for name, parent in tree.items():
        cls = getattr(errors, name)
        if parent is None:
            assert cls.__bases__ in ((Exception,), (UserWarning,)), name
        else:
            assert cls.__bases__[0] is getattr(errors, parent), f"{name} is drawn under {parent}"


def test_every_error_is_a_hitl_modes_error_and_every_warning_a_hitl_modes_warning():
    for name in DEFINED:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.HitlModesWarning if issubclass(cls, Warning) else errors.HitlModesError), name
