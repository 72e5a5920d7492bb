"""The text of an AutoGen message, one way for every caller (rules, gates, the risk policy, the inbox).

AutoGen 0.2 lets a message be a plain ``str`` or a dict whose ``content`` is ``None`` (a tool or
function call), a ``str``, or a list of parts (``{"type": "text", "text": ...}`` and
``{"type": "image_url", ...}``), which its own ``content_str`` turns into text with ``<image>`` for
each image. Any other content (a dict, a number) is a shape ``content_str`` refuses with a
``TypeError``; such content can never reach the model or the code executor as text, so here it
has no text, instead of crashing the chat that carries it. Parts ``content_str`` would refuse (no
``type``, an unknown type) likewise add no text; the other parts keep theirs.

Tool and function calls are not content. ``calls=True`` appends each one, written as a Python call
(``send_email(to='a@b.c')``), for readers that must see the action: the risk policy, and the
person deciding in the inbox.
"""

from __future__ import annotations

import json
from typing import Any, List, Mapping, Union

__all__ = ["message_text", "IMAGE_TOKEN"]

#: What stands for an image part, as in AutoGen's ``content_str``.
IMAGE_TOKEN = "<image>"


def _content_text(content: Any) -> str:
    """The text of a message's ``content``, as AutoGen's ``content_str`` reads it; ``""`` for a
    shape it refuses (see the module docstring)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    parts: List[str] = []
    for part in content:
        if not isinstance(part, Mapping):
            continue
        if part.get("type") == "text" and isinstance(part.get("text"), str):
            parts.append(part["text"])
        elif part.get("type") == "image_url":
            parts.append(IMAGE_TOKEN)
    return "".join(parts)


def _call_text(call: Mapping[str, Any]) -> str:
    name = str(call.get("name") or "tool")
    raw = call.get("arguments") or "{}"
    try:
        args = json.loads(raw) if isinstance(raw, str) else dict(raw)
        rendered = ", ".join(f"{k}={v!r}" for k, v in args.items()) if isinstance(args, dict) else repr(args)
    except (ValueError, TypeError):
        rendered = repr(raw)
    return f"```python\n{name}({rendered})\n```"


def message_text(message: Union[str, Mapping[str, Any], None], *, calls: bool = False) -> str:
    """The text of an AutoGen message: a ``str`` message is its own text, None has none, a dict's
    text is its ``content`` (read as AutoGen's ``content_str`` does). With ``calls=True``, each tool or function call
    follows, written as a Python call in a fenced block, so a reader sees the action too."""
    if message is None:
        return ""
    if isinstance(message, str):
        return message
    if not isinstance(message, Mapping):
        raise TypeError(
            f"message_text: a message is a str or a dict (AutoGen's message format), got "
            f"{type(message).__name__}: {message!r}"
        )
    text = _content_text(message.get("content"))
    if not calls:
        return text
    found = [c.get("function") or {} for c in message.get("tool_calls") or [] if isinstance(c, Mapping)]
    if isinstance(message.get("function_call"), Mapping):
        found.append(message["function_call"])
    return "\n".join(p for p in [text, *(_call_text(c) for c in found)] if p)
