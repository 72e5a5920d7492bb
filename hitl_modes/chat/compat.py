"""Differences between the classic distributions that the toolkit absorbs.

- ``ag2`` 0.14 no longer runs the sync human check after its async twin in an async chat, so the
  "asked twice" pitfall of pyautogen 0.2.35 and autogen-agentchat 0.2.40 (lesson 11) is gone there.
- ``ag2`` 0.14 does not cache model answers unless ``cache_seed`` (or ``cache``) is given, and its
  disk cache needs the optional ``diskcache`` package (``ag2[diskcache]``): without it, it warns and
  uses a fresh in-memory cache for each request, so nothing is replayed. pyautogen 0.2.35 and
  autogen-agentchat 0.2.40 cache in ``.cache/41`` by default (lesson 05).
- ``ag2`` 0.14 ends a ``max_turns`` chat once the assistant reaches its own
  ``max_consecutive_auto_reply``; pyautogen 0.2.35 and autogen-agentchat 0.2.40 only skip the
  assistant's turn, so the proxy speaks twice in a row (ag2ai/ag2 issue 600; lesson 04).
- ``ag2`` 0.14 ends a ``max_turns`` chat at a reply that passes the replier's own
  ``is_termination_msg`` (an assistant's bare "TERMINATE") before the initiator replies, so a
  TERMINATE-mode initiator never asks there; pyautogen 0.2.35 and autogen-agentchat 0.2.40 ask (lesson 07).
- ``GroupChatManager.resume`` in pyautogen 0.2.35 gives each agent every saved message *except its
  own*, so a resumed agent's model never sees what it said before the pause; autogen-agentchat
  0.2.40 and ag2 0.14 give every agent every message (lesson 16).
- ``ag2`` (0.8 and later) prints through ``IOStream.send(event)`` with structured event objects,
  not only ``IOStream.print``. Every stream the toolkit installs implements ``send``; the text of an
  event is what its own ``event.print()`` would write.
"""

from __future__ import annotations

import sys
from importlib import metadata
from typing import Any, List, NamedTuple

__all__ = [
    "in_notebook",
    "event_text",
    "Distribution",
    "classic_distribution",
    "asks_twice_in_async_chats",
    "caches_by_default",
    "disk_cache_replays",
    "skips_assistant_turn_under_max_turns",
    "resume_skips_own_messages",
    "asks_at_a_bare_terminate_under_max_turns",
]


class Distribution(NamedTuple):
    name: str
    version: str


def classic_distribution() -> Distribution:
    """Which installed distribution provides ``import autogen`` (pyautogen, autogen-agentchat, ag2)."""
    names = metadata.packages_distributions().get("autogen", [])
    for name in ("pyautogen", "autogen-agentchat", "ag2"):
        if name in names:
            return Distribution(name, metadata.version(name))
    if names:
        return Distribution(names[0], metadata.version(names[0]))
    raise ModuleNotFoundError(
        "No distribution provides `import autogen`. Install the classic API: pip install pyautogen==0.2.35"
    )


def asks_twice_in_async_chats() -> bool:
    """Whether an async chat runs the sync human check after the async one (lesson 11's pitfall):
    true for pyautogen 0.2.x and autogen-agentchat 0.2.x, fixed in ag2 (checked on 0.14)."""
    return classic_distribution().name != "ag2"


def caches_by_default() -> bool:
    """Whether an ``llm_config`` without ``cache_seed`` caches answers on disk (seed 41, ``.cache/41``):
    true for pyautogen 0.2.x and autogen-agentchat 0.2.x; ag2 (checked on 0.14) caches only when asked."""
    return classic_distribution().name != "ag2"


def disk_cache_replays() -> bool:
    """Whether ``cache_seed=N`` stores answers on disk and replays them: always for pyautogen 0.2.x and
    autogen-agentchat 0.2.x; on ag2 (checked on 0.14) only with the optional ``diskcache`` package."""
    import importlib.util

    return classic_distribution().name != "ag2" or importlib.util.find_spec("diskcache") is not None


def skips_assistant_turn_under_max_turns() -> bool:
    """Whether, under ``max_turns``, an assistant at its own ``max_consecutive_auto_reply`` only skips
    its turn (the proxy then speaks twice in a row): true for pyautogen 0.2.x and autogen-agentchat
    0.2.x; ag2 (checked on 0.14) ends the chat there instead."""
    return classic_distribution().name != "ag2"


def asks_at_a_bare_terminate_under_max_turns() -> bool:
    """Whether, under ``max_turns``, a reply of just "TERMINATE" still reaches the initiator's reply (and a
    TERMINATE-mode initiator asks its person): true for pyautogen 0.2.x and autogen-agentchat 0.2.x.
    ag2 (checked on 0.14) first checks the reply against the *replier's own* ``is_termination_msg``
    (an ``AssistantAgent``'s default matches exactly "TERMINATE") and ends the chat there. Lesson 07."""
    return classic_distribution().name != "ag2"


def resume_skips_own_messages() -> bool:
    """True where ``GroupChatManager.resume`` does not give an agent its own saved messages
    (pyautogen 0.2.35; autogen-agentchat 0.2.40 and ag2 0.14 give it all of them). Lesson 16."""
    return classic_distribution().name == "pyautogen"


def in_notebook() -> bool:
    """True inside a Jupyter kernel (which has imported ipykernel)."""
    return "ipykernel" in sys.modules


def event_text(event: Any) -> str:
    """The text an ag2 event prints, captured instead of written to stdout."""
    parts: List[str] = []

    def capture(*objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        parts.append(sep.join(str(o) for o in objects) + end)

    printer = getattr(event, "print", None)
    if callable(printer):
        printer(f=capture)
    else:
        parts.append(f"{event}\n")
    return "".join(parts)
