"""Text that crosses the inbox is valid UTF-8, made so once, on the way in.

A chat's text can hold lone surrogates: ``os.listdir`` returns ``'caf\\udce9'`` for a file name that
is not UTF-8, and a proposed command quotes it. Such a string cannot be encoded as UTF-8, so every
JSON answer that showed it would fail after the database write (a stored decision its chat could
never read). The chat's client makes its text safe before sending (:func:`make_safe`: each lone
surrogate becomes the visible escape ``\\udce9``), and the inbox refuses what is still unsafe with a
4xx that names the field (:func:`unsafe_field`).
"""

from __future__ import annotations

from typing import Any, Optional

__all__ = ["safe_text", "make_safe", "unsafe_field"]


def safe_text(text: str) -> str:
    """``text`` with each lone surrogate written as its escape (``'caf\\udce9'`` -> ``'caf\\\\udce9'``)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def make_safe(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, strings, numbers) with every string made safe."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_text(str(k)): make_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [make_safe(v) for v in value]
    return value


def unsafe_field(value: Any, where: str = "the body") -> Optional[str]:
    """Where in ``value`` a string is not valid UTF-8 (``"conversation[0].content"``), or None."""
    if isinstance(value, str):
        return None if safe_text(value) is value else where
    if isinstance(value, dict):
        for key, item in value.items():
            inner = key if where == "the body" else f"{where}.{key}"
            found = unsafe_field(key, f"a key of {where}") or unsafe_field(item, inner)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = unsafe_field(item, f"{where}[{i}]")
            if found:
                return found
    return None
