"""The replay script: what the model says and what the human types, in order, loaded from JSON or YAML.

    {"model": ["Here is a plan.", "Done. TERMINATE"], "human": ["looks good", ""]}

A model reply is a string, or an object with ``content`` and/or ``tool_calls``. A tool call is
written either the OpenAI way (``{"id": ..., "type": "function", "function": {"name": ..., "arguments":
"<json>"}}``) or briefly (``{"name": "add", "arguments": {"a": 1}}``). An optional ``models`` list
names the models the ``OAI_CONFIG_LIST`` handed to the notebook offers (for notebooks that filter it
by model name). Every problem is reported with the file, the place in it, and the fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Sequence

from ..chat.llm import Reply
from ..errors import ReplayScriptError

__all__ = [
    "ReplayScript",
    "load_script",
    "validate_script",
    "save_script",
    "count",
    "unused",
    "DEFAULT_MODELS",
    "SCRIPT_SUFFIXES",
]

#: The model names the scripted ``OAI_CONFIG_LIST`` offers when the script names none: the ones
#: notebooks commonly filter for. Every name is answered by the same script, in call order.
DEFAULT_MODELS = ("gpt-4o-mini", "gpt-4o", "gpt-4", "gpt-4-turbo", "gpt-3.5-turbo")

SCRIPT_SUFFIXES = (".json", ".yaml", ".yml")
_KEYS = ("model", "human", "models")


@dataclass
class ReplayScript:
    """The model's replies (in call order) and the human's answers (in prompt order)."""

    model: List[Reply] = field(default_factory=list)
    human: List[str] = field(default_factory=list)
    models: List[str] = field(default_factory=lambda: list(DEFAULT_MODELS))

    def as_data(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {"model": self.model, "human": self.human}
        if list(self.models) != list(DEFAULT_MODELS):
            data["models"] = self.models
        return data


def load_script(path: str | Path) -> ReplayScript:
    """Read and validate a replay script (``.json``, or ``.yaml``/``.yml`` when PyYAML is installed)."""
    path = Path(path)
    if path.suffix.lower() not in SCRIPT_SUFFIXES:
        suffix = path.suffix or "nothing"
        raise ReplayScriptError(f"{path}: a replay script ends in .json, .yaml or .yml, not {suffix!r}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ReplayScriptError(f"{path}: cannot read the script ({e.strerror or e})") from None
    data = _parse(path, text)
    return validate_script(data, source=str(path))


def validate_script(data: Any, *, source: str = "script") -> ReplayScript:
    """A :class:`ReplayScript` from parsed data, or a :class:`ReplayScriptError` saying what is wrong."""
    if not isinstance(data, dict):
        raise ReplayScriptError(
            f'{source}: the script must be an object like {{"model": [...], "human": [...]}}, got {type(data).__name__}'
        )
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise ReplayScriptError(f"{source}: unknown key(s) {unknown}; a script has {list(_KEYS)}")
    if "model" not in data and "human" not in data:
        raise ReplayScriptError(f'{source}: the script has neither "model" nor "human"; give at least one list')
    model = _list(data, "model", source)
    human = _list(data, "human", source)
    for i, answer in enumerate(human, 1):
        if not isinstance(answer, str):
            raise ReplayScriptError(
                f'{source}: human answer #{i} must be a string (use "" for pressing Enter), '
                f"got {type(answer).__name__}: {answer!r}"
            )
    models = _list(data, "models", source) if "models" in data else list(DEFAULT_MODELS)
    if not models or not all(isinstance(m, str) and m for m in models):
        raise ReplayScriptError(f'{source}: "models" must be a non-empty list of model names, got {models!r}')
    replies = [_reply(reply, i, source) for i, reply in enumerate(model, 1)]
    return ReplayScript(replies, list(human), list(models))


def save_script(script: ReplayScript, path: str | Path) -> Path:
    """Write ``script`` to ``path``: YAML for ``.yaml``/``.yml``, JSON otherwise."""
    path = Path(path)
    data = script.as_data()
    if path.suffix.lower() in (".yaml", ".yml"):
        yaml = _yaml(path)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def _parse(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise ReplayScriptError(f"{path}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    yaml = _yaml(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ReplayScriptError(f"{path}: not valid YAML: {e}") from None


def _yaml(path: Path) -> Any:
    try:
        import yaml
    except ImportError:
        raise ReplayScriptError(
            f"{path}: reading YAML needs PyYAML (pip install PyYAML), or write the script as JSON"
        ) from None
    return yaml


def _list(data: Dict[str, Any], key: str, source: str) -> List[Any]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise ReplayScriptError(f'{source}: "{key}" must be a list, got {type(value).__name__}: {value!r}')
    return value


def _reply(reply: Any, number: int, source: str) -> Reply:
    where = f"{source}: model reply #{number}"
    if isinstance(reply, str):
        return reply
    if not isinstance(reply, dict):
        raise ReplayScriptError(
            f"{where} must be a string or an object with content and/or tool_calls, got {type(reply).__name__}"
        )
    unknown = sorted(set(reply) - {"content", "tool_calls"})
    if unknown:
        raise ReplayScriptError(f"{where}: unknown key(s) {unknown}; a reply object has content and/or tool_calls")
    content = reply.get("content")
    if content is not None and not isinstance(content, str):
        raise ReplayScriptError(f"{where}: content must be a string or null, got {type(content).__name__}")
    calls = reply.get("tool_calls") or []
    if not isinstance(calls, list):
        raise ReplayScriptError(f"{where}: tool_calls must be a list, got {type(calls).__name__}")
    if content is None and not calls:
        raise ReplayScriptError(f"{where}: the object has neither content nor tool_calls")
    out: Dict[str, Any] = {"content": content}
    if calls:
        out["tool_calls"] = [_tool_call(c, number, j, source) for j, c in enumerate(calls, 1)]
    return out


def _tool_call(call: Any, number: int, index: int, source: str) -> Dict[str, Any]:
    where = f"{source}: model reply #{number}, tool call #{index}"
    if not isinstance(call, dict):
        raise ReplayScriptError(f'{where} must be an object like {{"name": "add", "arguments": {{"a": 1}}}}')
    function = call.get("function", call)
    name = function.get("name") if isinstance(function, dict) else None
    if not isinstance(name, str) or not name:
        raise ReplayScriptError(f'{where} has no function name; write {{"name": "add", "arguments": {{"a": 1}}}}')
    arguments = function.get("arguments", {})
    if isinstance(arguments, str):
        try:
            json.loads(arguments)
        except json.JSONDecodeError:
            raise ReplayScriptError(f"{where}: arguments is a string but not JSON: {arguments!r}") from None
    elif isinstance(arguments, dict):
        arguments = json.dumps(arguments)
    else:
        raise ReplayScriptError(f"{where}: arguments must be an object (or a JSON string), got {arguments!r}")
    call_id = call.get("id") or f"call_replay_{number}_{index}"  # stable: two runs send the same requests
    return {"id": str(call_id), "type": "function", "function": {"name": name, "arguments": arguments}}


def count(n: int, singular: str, plural: str = "") -> str:
    """``count(1, "reply", "replies")`` -> ``"1 reply"``; ``count(2, "answer")`` -> ``"2 answers"``."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def unused(items: Sequence[Any]) -> str:
    """A short listing of unused script items for an error message."""
    shown = [_short(item) for item in items[:3]]
    more = f" and {len(items) - 3} more" if len(items) > 3 else ""
    return ", ".join(shown) + more


def _short(item: Any) -> str:
    if isinstance(item, dict):
        names = [c["function"]["name"] for c in item.get("tool_calls") or []]
        return f"tool call {', '.join(names)}" if names else repr(str(item.get("content"))[:60])
    return repr(str(item)[:60])
