"""What the course adds to AutoGen in a lesson's process, so the learner's code stays plain AutoGen.

A lesson's chat cells are the code a learner would write: ``llm_config``, the agents,
``user_proxy.initiate_chat(...)``. Two things the course needs are not in that code, and
:func:`instrument_autogen` adds them once, beside it:

- **Every model request names the agent that asks** (the ``X-Hitl-Agent`` header), so the scripted
  model server answers each agent from its own script although every agent shares one
  ``llm_config``. Internal agents AutoGen builds (the group chat's ``speaker_selection_agent``) name
  themselves too. The header is added only to requests: what the agents do is unchanged.
- **Every chat a lesson starts is recorded** (the trace behind each picture): a top-level
  ``initiate_chat``/``a_initiate_chat`` runs inside :func:`~hitl_modes.chat.record.chat_recording`
  while a :class:`ChatWatch` is active. Chats AutoGen starts inside a chat (speaker selection, nested
  chats) run as they are, unrecorded.

And two things for speed, neither of which changes what a request or a connection is:

- httpx's SSL contexts are made once per setting and shared, not once per agent, and each is made
  (every CA certificate read, about 50 ms) when a connection first uses it: offline, the lesson talks
  plain HTTP on loopback and never does.
- openai's request preparation remembers the type hints it reads, as newer openai releases do
  (``lru_cache`` on ``get_type_hints`` and ``_get_annotated_type`` in ``openai/_utils/_transform.py``);
  the pinned openai reads them again for every request.

So a lesson that builds a dozen agents starts about as fast as the ``import autogen`` it needs anyway.

Outside a lesson (``ChatWatch`` inactive) the wrapped methods call AutoGen's own at once.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional

__all__ = ["instrument_autogen", "ChatWatch", "active_watch", "unwatched", "in_async_chat"]

_INSTALLED = False
_WATCH: Optional[ChatWatch] = None
#: Inside a recorded chat: chats started from it are AutoGen's own (speaker selection, nested chats).
_INSIDE = contextvars.ContextVar("hitl_inside_recorded_chat", default=False)
#: Inside a top-level ``a_initiate_chat``: the chat runs in a task (or thread) whose context the lesson's
#: next cell does not share.
_ASYNC = contextvars.ContextVar("hitl_async_chat", default=False)


def active_watch() -> Optional[ChatWatch]:
    return _WATCH


def in_async_chat() -> bool:
    """True while a lesson's top-level ``a_initiate_chat`` runs (``ChatWatch.on_chat`` may ask)."""
    return _ASYNC.get()


def _forget_watch_in_child() -> None:
    """A process forked from a lesson (lesson 17's chat process) is not the lesson: its chats run as
    AutoGen's own, unrecorded, with no course human installed for them."""
    global _WATCH
    _WATCH = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_watch_in_child)


@contextlib.contextmanager
def unwatched() -> Iterator[None]:
    """Chats started inside are not the lesson's own: an exercise check's scripted chats run as
    AutoGen's, unrecorded, with no course human installed for them."""
    token = _INSIDE.set(True)
    try:
        yield
    finally:
        _INSIDE.reset(token)


class ChatWatch:
    """Records the chats started while it is active; ``runs`` holds them, in order.

    ``options()`` returns the recording options for each chat (quiet, capture); ``on_chat(initiator,
    recipient)`` is told before each one starts (a lesson prints what a person should try), and
    ``on_done(run)`` after each one returns, with its :class:`~hitl_modes.chat.record.RecordedRun`.
    ``completed`` is False once a chat raised."""

    def __init__(
        self,
        options: Callable[[], dict],
        on_chat: Optional[Callable[[Any, Any], None]] = None,
        on_done: Optional[Callable[[Any], None]] = None,
    ) -> None:
        self.options = options
        self.on_chat = on_chat
        self.on_done = on_done
        self.runs: List[Any] = []
        self.completed = True

    def start(self) -> ChatWatch:
        global _WATCH
        instrument_autogen()
        _WATCH = self
        return self

    def stop(self) -> None:
        global _WATCH
        if _WATCH is self:
            _WATCH = None

    def take(self) -> List[Any]:
        """The runs recorded since the last ``take``."""
        runs, self.runs = self.runs, []
        return runs


@contextlib.contextmanager
def _watching(watch: ChatWatch, initiator: Any, recipient: Any, max_turns: Optional[int]) -> Iterator[List[Any]]:
    """One recorded top-level chat: the ``with`` body runs AutoGen's own ``initiate_chat`` and puts
    its ChatResult in the yielded list; the run is kept when it returns."""
    from ..chat.record import RecordedRun, chat_recording

    if watch.on_chat is not None:
        watch.on_chat(initiator, recipient)
    token = _INSIDE.set(True)
    result: List[Any] = []
    watch.completed = False
    try:
        with chat_recording(initiator, recipient, max_turns=max_turns, **watch.options()) as rec:
            yield result
    finally:
        _INSIDE.reset(token)
    watch.completed = True
    run = RecordedRun(result[0] if result else None, rec.trace, "".join(rec.printed))
    watch.runs.append(run)
    if watch.on_done is not None:
        watch.on_done(run)


def _recorded(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def initiate_chat(self: Any, recipient: Any, *args: Any, **kwargs: Any) -> Any:
        watch = _WATCH
        if watch is None or _INSIDE.get():
            return original(self, recipient, *args, **kwargs)
        with _watching(watch, self, recipient, kwargs.get("max_turns")) as result:
            result.append(original(self, recipient, *args, **kwargs))
        return result[0]

    return initiate_chat


def _a_recorded(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    async def a_initiate_chat(self: Any, recipient: Any, *args: Any, **kwargs: Any) -> Any:
        watch = _WATCH
        if watch is None or _INSIDE.get():
            return await original(self, recipient, *args, **kwargs)
        token = _ASYNC.set(True)
        try:
            with _watching(watch, self, recipient, kwargs.get("max_turns")) as result:
                result.append(await original(self, recipient, *args, **kwargs))
        finally:
            _ASYNC.reset(token)
        return result[0]

    return a_initiate_chat


def _naming_the_asker(original: Callable[..., Any]) -> Callable[..., Any]:
    from ..chat.server import ASKER_HEADER

    @functools.wraps(original)
    def create(self: Any, **config: Any) -> Any:
        agent = config.get("agent")
        name = getattr(agent, "name", None)
        if name:
            config["extra_headers"] = {**(config.get("extra_headers") or {}), ASKER_HEADER: str(name)}
        return original(self, **config)

    return create


class _MadeOnFirstUse:
    """An SSL context httpx asked for, made the first time a connection uses it (an attribute is read)."""

    __slots__ = ("_make", "_context", "_lock")

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._context: Any = None
        self._lock = threading.Lock()

    def _made(self) -> Any:
        with self._lock:
            if self._context is None:
                self._context = self._make()
            return self._context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)


def _one_ssl_context_per_setting(original: Callable[..., Any]) -> Callable[..., Any]:
    """httpx builds an SSL context (reading every CA certificate, about 50 ms) for each client it makes,
    even one that only talks plain HTTP on loopback, and every agent with an ``llm_config`` makes one.
    A lesson builds many agents: the contexts are shared, one per setting (an ``SSLContext`` is safe to
    share; one made from the same arguments is configured the same), and each is made by httpx's own
    code, with the same arguments, when a connection first uses it."""
    made: Dict[Any, Any] = {}

    @functools.wraps(original)
    def create_ssl_context(*args: Any, **kwargs: Any) -> Any:
        try:
            key = (args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:
            return original(*args, **kwargs)
        if key not in made:
            made[key] = _MadeOnFirstUse(functools.partial(original, *args, **kwargs))
        return made[key]

    return create_ssl_context


def _remembered(original: Callable[..., Any]) -> Callable[..., Any]:
    """``original`` with its answers remembered per arguments (unhashable arguments: asked each time)."""
    if hasattr(original, "cache_info"):  # a newer openai remembers them itself
        return original
    cached = functools.lru_cache(maxsize=8096)(original)

    @functools.wraps(original)
    def remembered(*args: Any, **kwargs: Any) -> Any:
        try:
            return cached(*args, **kwargs)
        except TypeError:
            return original(*args, **kwargs)

    remembered.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return remembered


def instrument_autogen() -> None:
    """Wrap ``ConversableAgent.initiate_chat``/``a_initiate_chat`` (recorded while a watch is
    active) and ``OpenAIWrapper.create`` (names the asking agent); share httpx's SSL contexts, made on
    first use, and remember openai's type hints (for speed). Idempotent."""
    global _INSTALLED
    if _INSTALLED:
        return
    import autogen

    agent = autogen.ConversableAgent
    agent.initiate_chat = _recorded(agent.initiate_chat)  # type: ignore[method-assign]
    agent.a_initiate_chat = _a_recorded(agent.a_initiate_chat)  # type: ignore[method-assign]
    wrapper = autogen.OpenAIWrapper
    wrapper.create = _naming_the_asker(wrapper.create)  # type: ignore[method-assign]
    from httpx._transports import default as transports

    transports.create_ssl_context = _one_ssl_context_per_setting(transports.create_ssl_context)
    from openai._utils import _transform

    for name in ("get_type_hints", "_get_annotated_type"):
        if hasattr(_transform, name):
            setattr(_transform, name, _remembered(getattr(_transform, name)))
    _INSTALLED = True
