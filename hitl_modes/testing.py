"""pytest fixtures for the scripted doubles. pytest finds them by itself (the ``pytest11`` entry point
``hitl_modes``): in any project that installs hitl-modes, no conftest line is needed.

    def test_feedback(scripted_human, scripted_llm):
        human = scripted_human(["more detail", ""])
        llm = scripted_llm(["draft TERMINATE", "better TERMINATE"])
        assistant = llm.register(autogen.AssistantAgent("assistant", llm_config=llm.llm_config))
        ...

Each fixture is a factory taking what the double's constructor takes. Both are strict by default: at
teardown a test fails if a scripted reply was never used (``strict=False`` allows leftovers).

Every pytest run in such a project loads this module, so it imports neither AutoGen nor the doubles
until a test asks for a fixture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator, List, Sequence, Union

import pytest

if TYPE_CHECKING:
    from .chat.human import ScriptedHuman
    from .chat.llm import ScriptedLLM

__all__ = ["scripted_human", "scripted_llm"]

pytest_plugins = ["hitl_modes.notebook_runner.pytest_plugin"]  # pytest --hitl-notebooks (run-notebook)


@pytest.fixture
def scripted_human() -> Iterator[Callable[..., ScriptedHuman]]:
    """``scripted_human(replies, strict=True, echo=True, exhausted_reply=None)``: a ScriptedHuman,
    installed as AutoGen's IOStream until the test ends."""
    from .chat.human import ScriptedHuman

    made: List[ScriptedHuman] = []

    def make(*args: Any, **kwargs: Any) -> ScriptedHuman:
        human = ScriptedHuman(*args, **kwargs)
        human.start()
        made.append(human)
        return human

    yield make
    for human in reversed(made):
        human.stop()
    _assert_all_used(made)


@pytest.fixture
def scripted_llm() -> Iterator[Callable[..., ScriptedLLM]]:
    """``scripted_llm(replies, strict=True, name=None, exhausted_reply=None)``: a ScriptedLLM; put it
    on an agent with ``llm.register(agent)``."""
    from .chat.llm import ScriptedLLM

    made: List[ScriptedLLM] = []

    def make(*args: Any, **kwargs: Any) -> ScriptedLLM:
        made.append(ScriptedLLM(*args, **kwargs))
        return made[-1]

    yield make
    _assert_all_used(made)


def _assert_all_used(doubles: Sequence[Union[ScriptedHuman, ScriptedLLM]]) -> None:
    for double in doubles:
        if double.strict:
            double.assert_all_used()
