"""A real model, opt-in. Configured the AutoGen way (``OAI_CONFIG_LIST``) or with the OpenAI
variables (``OPENAI_API_KEY``, optional ``OPENAI_BASE_URL`` and ``OPENAI_MODEL``), so a local
OpenAI-compatible server works too."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from ..errors import LiveConfigError

__all__ = ["live_config_list", "live_llm_config", "LiveLLM", "DEFAULT_LIVE_MODEL"]

DEFAULT_LIVE_MODEL = "gpt-4o-mini"

_HOW = (
    "Live mode needs a model. Set OPENAI_API_KEY (and optionally OPENAI_BASE_URL for a local "
    "OpenAI-compatible server, OPENAI_MODEL for the model name, default "
    f"{DEFAULT_LIVE_MODEL!r}), or set OAI_CONFIG_LIST to AutoGen's JSON config list or a file "
    "that holds it. Without them, drop --live (or HITL_LIVE) to run offline."
)


def live_config_list(env: Optional[Mapping[str, str]] = None) -> List[Dict[str, Any]]:
    env = os.environ if env is None else env
    raw = env.get("OAI_CONFIG_LIST", "").strip()
    if raw:
        text = raw
        if not raw.startswith("["):
            path = Path(raw).expanduser()
            if not path.is_file():
                raise LiveConfigError(f"OAI_CONFIG_LIST names {raw!r}, which is neither JSON nor a file. " + _HOW)
            text = path.read_text(encoding="utf-8")
        try:
            config_list = json.loads(text)
        except json.JSONDecodeError as e:
            raise LiveConfigError(f"OAI_CONFIG_LIST is not valid JSON ({e}). " + _HOW) from e
        if not isinstance(config_list, list) or not config_list or not all(isinstance(c, dict) for c in config_list):
            raise LiveConfigError("OAI_CONFIG_LIST must be a non-empty JSON list of objects. " + _HOW)
        return config_list
    key = env.get("OPENAI_API_KEY", "").strip()
    if not key:
        raise LiveConfigError(_HOW)
    entry: Dict[str, Any] = {"model": env.get("OPENAI_MODEL", "").strip() or DEFAULT_LIVE_MODEL, "api_key": key}
    base_url = env.get("OPENAI_BASE_URL", "").strip()
    if base_url:
        entry["base_url"] = base_url
    return [entry]


def live_llm_config(env: Optional[Mapping[str, str]] = None, **extra: Any) -> Dict[str, Any]:
    """An ``llm_config`` for a real model. No disk cache: every run asks the model."""
    return {"config_list": live_config_list(env), "cache_seed": None, **extra}


class LiveLLM:
    """The live counterpart of :class:`~hitl_modes.ScriptedLLM`: same ``llm_config`` and
    ``register`` surface, so a lesson swaps one for the other."""

    def __init__(self, env: Optional[Mapping[str, str]] = None) -> None:
        self._llm_config = live_llm_config(env)
        self.agent_name: Optional[str] = None

    @property
    def llm_config(self) -> Dict[str, Any]:
        return dict(self._llm_config)

    def register(self, agent: Any) -> Any:
        self.agent_name = self.agent_name or agent.name
        return agent

    def received(self, text: str) -> bool:
        """A real model's requests are not recorded here, so this cannot tell: always False."""
        return False

    @property
    def call_count(self) -> None:
        """A real model's calls are not counted here (``ScriptedLLM.call_count`` is): always None."""
        return None

    def __repr__(self) -> str:
        models = [c.get("model") for c in self._llm_config["config_list"]]
        return f"LiveLLM(models={models})"
