"""The replay script: what the model says and what the human types, in order, loaded from JSON or YAML.

    {"model": ["Here is a plan.", "Done. TERMINATE"], "human": ["looks good", ""]}

A model reply is a string, or an object with ``content`` and/or ``tool_calls`` or ``function_call``
(the legacy ``functions`` API). A tool call is written either the OpenAI way (``{"id": ..., "type":
"function", "function": {"name": ..., "arguments": "<json>"}}``) or briefly (``{"name": "add",
"arguments": {"a": 1}}``); a function call as ``{"name": "add", "arguments": {"a": 1}}`` (or with the
arguments as a JSON string).

The optional ``config_list`` is the notebook author's ``OAI_CONFIG_LIST`` without its secrets: each entry
keeps its ``model``, ``tags``, ``api_type``, ``api_version`` and every other field, so a notebook that
filters the list (``filter_dict={"tags": [...]}``, on ``model`` or ``api_type``) finds what it finds
with the author's own file. ``--record`` writes it. The shorter ``models`` names entries that have only
a model. The optional ``env`` sets variables the notebook reads (``{"AUTOGEN_USE_DOCKER": "False"}``).
Every problem is reported with the file, the place in it, and the fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ..chat.llm import Reply
from ..errors import ReplayScriptError

__all__ = [
    "ReplayScript",
    "load_script",
    "validate_script",
    "save_script",
    "check_config_entry",
    "shareable_entry",
    "count",
    "unused",
    "said",
    "DEFAULT_MODELS",
    "SCRIPT_SUFFIXES",
    "SECRET_FIELDS",
    "ENDPOINT_FIELDS",
    "RESERVED_VARIABLES",
]

#: The model names the scripted ``OAI_CONFIG_LIST`` offers when the script names none: the ones
#: notebooks commonly filter for. Every name is answered by the same script, in call order.
DEFAULT_MODELS = ("gpt-4o-mini", "gpt-4o", "gpt-4", "gpt-4-turbo", "gpt-3.5-turbo")

SCRIPT_SUFFIXES = (".json", ".yaml", ".yml")
_KEYS = ("model", "human", "models", "config_list", "env")

#: Fields of a config-list entry that hold credentials: never written to a script, never accepted in one.
SECRET_FIELDS = ("api_key", "azure_ad_token", "azure_ad_token_provider", "default_headers")
#: Fields run-notebook sets itself so that every entry reaches the scripted server.
ENDPOINT_FIELDS = ("base_url", "azure_endpoint")
#: The ``api_type``s AutoGen 0.2 sends through the ``openai`` client: the only ones a loopback
#: OpenAI-compatible server can answer (None is AutoGen's default, OpenAI).
_SERVED_API_TYPES = (None, "openai", "azure")
#: Variables run-notebook sets in the kernel; a script's ``env`` cannot change them.
RESERVED_VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OAI_CONFIG_LIST",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
)


@dataclass
class ReplayScript:
    """The model's replies (in call order), the human's answers (in prompt order), the config list the
    notebook is handed (the author's entries, no secrets) and extra environment variables."""

    model: List[Reply] = field(default_factory=list)
    human: List[str] = field(default_factory=list)
    config_list: List[Dict[str, Any]] = field(default_factory=lambda: [{"model": m} for m in DEFAULT_MODELS])
    env: Dict[str, str] = field(default_factory=dict)

    @property
    def models(self) -> List[str]:
        """The model name of each config-list entry, in order."""
        return [str(entry["model"]) for entry in self.config_list]

    def as_data(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {"model": self.model, "human": self.human}
        if all(set(entry) == {"model"} for entry in self.config_list):
            if self.models != list(DEFAULT_MODELS):
                data["models"] = self.models
        else:
            data["config_list"] = self.config_list
        if self.env:
            data["env"] = self.env
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
    replies = [_reply(reply, i, source) for i, reply in enumerate(model, 1)]
    return ReplayScript(replies, list(human), _config_list(data, source), _env(data, source))


def check_config_entry(entry: Any, where: str) -> Dict[str, Any]:
    """One ``config_list`` entry as a script holds it, or a :class:`ReplayScriptError` naming the fix."""
    if not isinstance(entry, dict):
        raise ReplayScriptError(f'{where} must be an object like {{"model": "gpt-4", "tags": ["tool"]}}')
    model = entry.get("model")
    if not isinstance(model, str) or not model:
        raise ReplayScriptError(f'{where} has no "model" (a non-empty string)')
    for key in SECRET_FIELDS:
        if key in entry:
            raise ReplayScriptError(
                f"{where} holds {key!r}, a credential: remove it (a replay gives every entry a placeholder key, "
                "and a script is meant to be shared)"
            )
    for key in ENDPOINT_FIELDS:
        if key in entry:
            raise ReplayScriptError(
                f"{where} sets {key!r}: remove it (run-notebook points every entry at its scripted server)"
            )
    if "model_client_cls" in entry or entry.get("api_type") not in _SERVED_API_TYPES:
        kind = f"model_client_cls {entry['model_client_cls']!r}" if "model_client_cls" in entry else None
        kind = kind or f"api_type {entry.get('api_type')!r}"
        raise ReplayScriptError(
            f"{where} ({kind}) does not speak the OpenAI API: run-notebook answers only the entries AutoGen "
            "sends through the openai client (no api_type, 'openai' or 'azure')"
        )
    return dict(entry)


def shareable_entry(entry: Mapping[str, Any]) -> Dict[str, Any]:
    """The author's ``config_list`` entry without its credentials and endpoint, as ``--record`` writes it."""
    return {k: v for k, v in entry.items() if k not in SECRET_FIELDS and k not in ENDPOINT_FIELDS}


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


def _config_list(data: Dict[str, Any], source: str) -> List[Dict[str, Any]]:
    if "models" in data and "config_list" in data:
        raise ReplayScriptError(
            f'{source}: give "config_list" (the entries, with their tags) or "models" (just names), not both'
        )
    if "config_list" in data:
        entries = _list(data, "config_list", source)
        if not entries:
            raise ReplayScriptError(f'{source}: "config_list" must hold at least one entry')
        return [check_config_entry(e, f"{source}: config_list entry #{i}") for i, e in enumerate(entries, 1)]
    models = _list(data, "models", source) if "models" in data else list(DEFAULT_MODELS)
    if not models or not all(isinstance(m, str) and m for m in models):
        raise ReplayScriptError(f'{source}: "models" must be a non-empty list of model names, got {models!r}')
    return [{"model": m} for m in models]


def _env(data: Dict[str, Any], source: str) -> Dict[str, str]:
    env = data.get("env") or {}
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise ReplayScriptError(f'{source}: "env" must map variable names to strings, got {env!r}')
    reserved = sorted(k for k in env if k.upper() in RESERVED_VARIABLES)
    if reserved:
        raise ReplayScriptError(
            f'{source}: "env" sets {reserved}, which run-notebook sets itself (the model server and the proxies); '
            "remove them"
        )
    return dict(env)


def _reply(reply: Any, number: int, source: str) -> Reply:
    where = f"{source}: model reply #{number}"
    if isinstance(reply, str):
        return reply
    if not isinstance(reply, dict):
        raise ReplayScriptError(
            f"{where} must be a string or an object with content, tool_calls or function_call, "
            f"got {type(reply).__name__}"
        )
    unknown = sorted(set(reply) - {"content", "tool_calls", "function_call"})
    if unknown:
        raise ReplayScriptError(
            f"{where}: unknown key(s) {unknown}; a reply object has content, tool_calls and/or function_call"
        )
    content = reply.get("content")
    if content is not None and not isinstance(content, str):
        raise ReplayScriptError(f"{where}: content must be a string or null, got {type(content).__name__}")
    calls = reply.get("tool_calls") or []
    if not isinstance(calls, list):
        raise ReplayScriptError(f"{where}: tool_calls must be a list, got {type(calls).__name__}")
    function_call = reply.get("function_call")
    if calls and function_call:
        raise ReplayScriptError(f"{where} has both tool_calls and function_call; a model reply has one or the other")
    if content is None and not calls and not function_call:
        raise ReplayScriptError(f"{where}: the object has neither content, tool_calls nor function_call")
    out: Dict[str, Any] = {"content": content}
    if calls:
        out["tool_calls"] = [_tool_call(c, number, j, source) for j, c in enumerate(calls, 1)]
    if function_call:
        out["function_call"] = _function(function_call, f"{where}, function_call")
    return out


def _tool_call(call: Any, number: int, index: int, source: str) -> Dict[str, Any]:
    where = f"{source}: model reply #{number}, tool call #{index}"
    if not isinstance(call, dict):
        raise ReplayScriptError(f'{where} must be an object like {{"name": "add", "arguments": {{"a": 1}}}}')
    function = _function(call.get("function", call), where)
    call_id = call.get("id") or f"call_replay_{number}_{index}"  # stable: two runs send the same requests
    return {"id": str(call_id), "type": "function", "function": function}


def _function(function: Any, where: str) -> Dict[str, str]:
    """``{"name": ..., "arguments": "<json>"}`` from the short or the OpenAI form."""
    name = function.get("name") if isinstance(function, dict) else None
    if not isinstance(name, str) or not name:
        raise ReplayScriptError(f'{where} has no function name; write {{"name": "add", "arguments": {{"a": 1}}}}')
    arguments: Optional[Any] = function.get("arguments", {})
    if isinstance(arguments, str):
        try:
            json.loads(arguments)
        except json.JSONDecodeError:
            raise ReplayScriptError(f"{where}: arguments is a string but not JSON: {arguments!r}") from None
    elif isinstance(arguments, dict):
        arguments = json.dumps(arguments)
    else:
        raise ReplayScriptError(f"{where}: arguments must be an object (or a JSON string), got {arguments!r}")
    return {"name": name, "arguments": arguments}


def count(n: int, singular: str, plural: str = "") -> str:
    """``count(1, "reply", "replies")`` -> ``"1 reply"``; ``count(2, "answer")`` -> ``"2 answers"``."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def unused(items: Sequence[Any]) -> str:
    """A short listing of unused script items for an error message."""
    shown = [_short(item) for item in items[:3]]
    more = f" and {len(items) - 3} more" if len(items) > 3 else ""
    return ", ".join(shown) + more


def said(reply: Any) -> str:
    """What a reply does, in a few words: ``tool call add``, ``function call ask_expert``, or its text."""
    if isinstance(reply, dict) and reply.get("tool_calls"):
        return "tool call " + ", ".join(c["function"]["name"] for c in reply["tool_calls"])
    if isinstance(reply, dict) and reply.get("function_call"):
        return "function call " + str(reply["function_call"].get("name"))
    return ""


def _short(item: Any) -> str:
    if isinstance(item, dict):
        return said(item) or repr(str(item.get("content"))[:60])
    return repr(str(item)[:60])
