"""``SmartUserProxy``: a ``UserProxyAgent`` whose auto-replies read the last message.

The common recipe overrides ``generate_reply`` to return canned text. That replaces AutoGen's whole
reply chain, not just the auto-reply: termination, ``max_consecutive_auto_reply``, human input and
code execution all live in that chain, so the recipe silently loses every one of them (lesson 06).

``SmartUserProxy`` uses AutoGen's seam instead, ``register_reply``, and puts its reply function
*last* in the chain. Everything AutoGen checks first still runs first:

1. ``check_termination_and_human_reply``: termination, the auto-reply limit, the human (by mode);
2. function and tool calls, then code execution (when ``code_execution_config`` allows it);
3. the proxy's own LLM, if it was given an ``llm_config``;
4. **the rules below**, tried in order; the first whose ``when(message)`` holds gives the reply;
5. ``default_auto_reply``, AutoGen's fallback, when no rule applies.

So a rule replaces exactly one thing: the default auto-reply. The default rules are:

- ``question``: the last message asks a question (a ``?`` outside code blocks) ->
  ``"Use your best judgment and continue."``
- ``no_code``: the last message has no code block ->
  ``"If the task is complete, reply TERMINATE; otherwise continue."``

Configure them per agent (``proxy.auto_reply_rules = [...]``) or per class (a subclass setting
``DEFAULT_AUTO_REPLY_RULES``). The constructor is ``UserProxyAgent``'s, unchanged.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Dict, Iterable, List, Optional, Tuple, Union

from autogen import Agent, UserProxyAgent
from autogen.code_utils import UNKNOWN, extract_code

from ..chat.messages import message_text
from ..errors import AutoReplyRuleError

__all__ = [
    "SmartUserProxy",
    "AutoReplyRule",
    "DEFAULT_AUTO_REPLY_RULES",
    "QUESTION_REPLY",
    "COMPLETION_NUDGE",
    "asks_question",
    "has_code",
    "has_no_code",
]

Message = Dict[str, Any]

QUESTION_REPLY = "Use your best judgment and continue."
COMPLETION_NUDGE = "If the task is complete, reply TERMINATE; otherwise continue."

_CODE_BLOCK = re.compile(r"```.*?(?:```|$)", re.DOTALL)
# A question mark that ends a sentence, not one inside a URL query ("?q=1") or a word ("a?b").
_QUESTION_MARK = re.compile(r"\?(?![\w=&/])")


def asks_question(message: Message) -> bool:
    """True when the text, outside code blocks, has a question mark ending a sentence."""
    prose = _CODE_BLOCK.sub(" ", message_text(message))
    return bool(_QUESTION_MARK.search(prose))


def has_code(message: Message) -> bool:
    """True when the text holds a fenced code block, by AutoGen's own extractor (the one its code
    execution uses), so "has code" here means what it means to the executor."""
    text = message_text(message)
    if not text:
        return False
    blocks = extract_code(text)
    return not (len(blocks) == 1 and blocks[0][0] == UNKNOWN)


@dataclass(frozen=True)
class AutoReplyRule:
    """One context-aware auto-reply: when ``when(last_message)`` holds, reply ``reply``.

    ``reply`` is a string, or a function of the last message returning a string. ``name`` appears
    in errors and in ``SmartUserProxy.describe_rules()``.
    """

    name: str
    when: Callable[[Message], Any]
    reply: Union[str, Callable[[Message], str]]

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"AutoReplyRule needs a non-empty name, got {self.name!r}")
        if not callable(self.when):
            raise TypeError(
                f"AutoReplyRule {self.name!r}: 'when' must be a function of the last message, "
                f"e.g. lambda m: 'error' in message_text(m); got {type(self.when).__name__}"
            )
        if not (isinstance(self.reply, str) or callable(self.reply)):
            raise TypeError(
                f"AutoReplyRule {self.name!r}: 'reply' must be a str or a function of the last "
                f"message returning a str; got {type(self.reply).__name__}"
            )

    def reply_to(self, message: Message) -> str:
        text = self.reply(message) if callable(self.reply) else self.reply
        if not isinstance(text, str):
            raise TypeError(
                f"AutoReplyRule {self.name!r}: its reply function returned {type(text).__name__}, not str: {text!r}"
            )
        return text

    def __str__(self) -> str:
        reply = self.reply if isinstance(self.reply, str) else f"<{getattr(self.reply, '__name__', 'function')}>"
        when = getattr(self.when, "__name__", "when")
        return f"{self.name}: if {when}(last message) -> {reply!r}"


def has_no_code(message: Message) -> bool:
    return not has_code(message)


#: The rules every SmartUserProxy starts with, in the order they are tried.
DEFAULT_AUTO_REPLY_RULES: Tuple[AutoReplyRule, ...] = (
    AutoReplyRule("question", asks_question, QUESTION_REPLY),
    AutoReplyRule("no_code", has_no_code, COMPLETION_NUDGE),
)


class SmartUserProxy(UserProxyAgent):
    """A ``UserProxyAgent`` (same constructor, same behaviour) whose auto-reply follows rules.

    It keeps termination, ``max_consecutive_auto_reply``, human input by ``human_input_mode`` and
    code execution, because its rule reply is registered last in AutoGen's reply chain: it speaks
    only where AutoGen would have sent ``default_auto_reply``. See the module docstring for the
    order and the default rules.

    Configure::

        proxy = SmartUserProxy("user_proxy", human_input_mode="NEVER", code_execution_config=False)
        proxy.auto_reply_rules = [AutoReplyRule("error", lambda m: "Traceback" in message_text(m),
                                                "Fix the error and run it again."),
                                  *SmartUserProxy.DEFAULT_AUTO_REPLY_RULES]

    or, for every instance of a class, set ``DEFAULT_AUTO_REPLY_RULES`` on a subclass.
    """

    DEFAULT_AUTO_REPLY_RULES: ClassVar[Tuple[AutoReplyRule, ...]] = DEFAULT_AUTO_REPLY_RULES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._auto_reply_rules: Tuple[AutoReplyRule, ...] = ()
        self.auto_reply_rules = self.DEFAULT_AUTO_REPLY_RULES
        # Last position: after check_termination_and_human_reply, tool/function calls, code execution
        # and the LLM, so a rule only ever replaces default_auto_reply.
        self.register_reply([Agent, None], SmartUserProxy.generate_rule_reply, position=len(self._reply_func_list))

    # The arguments are UserProxyAgent's, passed through untouched; say so to inspect/IDEs/help().
    __init__.__signature__ = inspect.signature(UserProxyAgent.__init__)  # type: ignore[attr-defined]

    @property
    def auto_reply_rules(self) -> Tuple[AutoReplyRule, ...]:
        """The rules, tried in order. Assign any iterable of :class:`AutoReplyRule`."""
        return self._auto_reply_rules

    @auto_reply_rules.setter
    def auto_reply_rules(self, rules: Iterable[AutoReplyRule]) -> None:
        if isinstance(rules, (str, bytes, AutoReplyRule)) or not isinstance(rules, Iterable):
            raise TypeError(
                f"{type(self).__name__}.auto_reply_rules takes a list of AutoReplyRule, got {type(rules).__name__}; "
                "wrap a single rule in a list"
            )
        checked = tuple(rules)
        for i, rule in enumerate(checked):
            if not isinstance(rule, AutoReplyRule):
                raise TypeError(
                    f"{type(self).__name__}.auto_reply_rules[{i}] must be an AutoReplyRule(name, when, reply), "
                    f"got {type(rule).__name__}: {rule!r}"
                )
        self._auto_reply_rules = checked

    def describe_rules(self) -> str:
        """The rules in order, one per line, and what happens when none applies."""
        lines = [f"{i}. {rule}" for i, rule in enumerate(self.auto_reply_rules, 1)]
        lines.append(f"otherwise: default_auto_reply {self._default_auto_reply!r}")
        return "\n".join(lines)

    def rule_for(self, message: Message) -> Optional[AutoReplyRule]:
        """The first rule that applies to ``message``, or None."""
        for rule in self.auto_reply_rules:
            try:
                applies = rule.when(message)
            except Exception as e:  # the rule is user code: name it instead of a bare traceback
                raise AutoReplyRuleError(
                    f"{self.name}: auto-reply rule {rule.name!r} raised {type(e).__name__}: {e} "
                    f"while checking the message {message_text(message)[:120]!r}"
                ) from e
            if applies:
                return rule
        return None

    def generate_rule_reply(
        self,
        messages: Optional[List[Message]] = None,
        sender: Optional[Agent] = None,
        config: Optional[Any] = None,
    ) -> Tuple[bool, Optional[str]]:
        """AutoGen reply function: the first applicable rule's reply, else pass (final=False) so
        AutoGen sends ``default_auto_reply``."""
        if messages is None:
            messages = self._oai_messages[sender] if sender is not None else []
        if not messages:
            return False, None
        message = messages[-1]
        rule = self.rule_for(message)
        if rule is None:
            return False, None
        try:
            return True, rule.reply_to(message)
        except Exception as e:
            raise AutoReplyRuleError(
                f"{self.name}: auto-reply rule {rule.name!r} failed to build its reply: {type(e).__name__}: {e}"
            ) from e
