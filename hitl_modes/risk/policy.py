"""How risky is a proposed action? ``RiskPolicy().assess(text)`` answers ``"low"`` or ``"high"``, with
reasons a person can check.

An agent proposes actions as text: a sentence ("I'll drop the staging table"), code blocks
(shell, Python, SQL, JavaScript), or a tool call. The policy reads each part the way it would run:

- fenced code blocks are read in their language: comments and printed text are ignored,
  Python import aliases are followed, shell commands are parsed so flag order and spacing do not
  matter (:mod:`hitl_modes.risk.shell`), and strings that hold commands
  (``subprocess.run(["git", "push", "-f"])``) are read as commands;
- prose is read clause by clause, and a clause that negates an action ("do not delete anything"),
  explains it, or calls it a dry run does not count.

High means destructive or irreversible, or changing the world outside: deleting files or data,
dropping or truncating tables, DELETE/UPDATE without WHERE, force-pushing, deploying, destroying
infrastructure, sending email or messages, moving money, and HTTP POST/PUT/PATCH/DELETE. Reading,
listing, printing and computing stay low.

It reads what is written. It cannot see what a script file contains, what a variable holds at run
time, or text that is encoded or assembled to hide it; the README lists these limits. Treat
"low" as "nothing risky recognised", never as "safe".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ..chat.messages import message_text
from .code_text import code_language, command_strings, readable_code
from .rule import CATEGORIES, Rule
from .rules import DEFAULT_RULES
from .shell import KNOWN_TOOLS, find_command_risks

__all__ = ["RiskPolicy", "RiskAssessment", "RiskHit", "RISK_LEVELS"]

RISK_LEVELS = ("low", "high")


@dataclass(frozen=True)
class RiskHit:
    """One reason an action is high risk: the category, what it does, the text that showed it, and
    where that text was (``shell``, ``python``, ``sql``, ``js``, ``other`` or ``prose``)."""

    category: str
    what: str
    evidence: str
    where: str

    def __str__(self) -> str:
        label = CATEGORIES.get(self.category, self.category)
        said = self.what if self.what.split(" (")[0] in label else f"{label}: {self.what}"
        return f"{said} ({self.where}: {self.evidence})"


@dataclass(frozen=True)
class RiskAssessment:
    """The policy's verdict. ``level`` is ``"low"`` or ``"high"``; ``reasons`` says why, in words."""

    level: str
    reasons: List[str]
    hits: Tuple[RiskHit, ...] = ()

    @property
    def high(self) -> bool:
        return self.level == "high"

    @property
    def categories(self) -> List[str]:
        """The risk categories found, in order, without repeats."""
        return list(dict.fromkeys(h.category for h in self.hits))

    def to_dict(self) -> Dict[str, Any]:
        return {"level": self.level, "reasons": list(self.reasons), "categories": self.categories}

    def __str__(self) -> str:
        return f"{self.level}: " + "; ".join(self.reasons)


# -- reading markdown --------------------------------------------------------------------------
_FENCE = re.compile(
    r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*\{?\.?(?P<tag>[^\s`{}]*)[^\n]*\n(?P<body>.*?)"
    r"(?:^[ \t]*(?P=fence)[`~]*[ \t]*$|\Z)",
    re.M | re.S,
)
_INLINE = re.compile(r"(`+)([^`\n]+?)\1")
_CLAUSE_BREAK = re.compile(
    r"[.!?;:](?=\s|$)|,\s|\n|\s(?:but|then|and\s+then|so\s+that|so|however|otherwise|"
    r"afterwards|afterward|unless|except)\s|\s-{1,2}\s|\s—\s",
    re.I,
)
_NEGATION = re.compile(
    r"\b(?:not|never|without|avoid|avoiding|instead\s+of|rather\s+than|refrain\s+from|no\s+need\s+to|nothing|nobody|"
    r"none|stop|prevent|preventing|skip|skipping|won'?t|cannot|can'?t|don'?t|doesn'?t|didn'?t|shouldn'?t|mustn'?t|"
    r"wouldn'?t|isn'?t|aren'?t|wasn'?t|haven'?t|hasn'?t|neither|nor|forbid|forbidden|prohibit|prohibited|disallow|"
    r"refuse|refusing|unless|if\s+ever)\b|n't\b",
    re.I,
)
#: A clause that explains or asks about an action describes it; it does not propose it.
_EXPLAINING = re.compile(
    r"\b(?:explain|explaining|explains|describe|describing|describes|documentation|docs\s+for|tutorial|how\s+to|"
    r"how\s+do|how\s+does|what\s+does|what\s+is|what\s+are|what\s+happens|what\s+would|difference\s+between|"
    r"compare|comparing|translate|translating|meaning\s+of|definition\s+of|summari[sz]e|summari[sz]ing)\b",
    re.I,
)
_NOT_NEGATED = re.compile(r"\b(?:don'?t|do\s+not|never)\s+forget\b|\bnot\s+only\b", re.I)
_PROSE_DRY_RUN = re.compile(
    r"\bdry[\s-]?run\b|--dry-run|\bsimulat(?:e|ed|ion)\b|\bwhat\s+would\b|\bwithout\s+"
    r"(?:actually\s+)?(?:applying|executing|running|changing|deleting|sending|deploying)\b|"
    r"\bpreview\s+(?:only|mode)\b|\bplan\s+only\b",
    re.I,
)
_LINE_DRY_RUN = re.compile(
    r"--dry-?run\b(?!\s*=\s*(?:none|false))|--dryrun\b|\bdry_?run\s*=\s*true\b|-whatif\b|"
    r"--what-if\b|--noop\b|--simulate\b",
    re.I,
)
_TOOL_WORD = re.compile(
    r"(?<![\w./-])((?:/usr)?(?:/local)?/s?bin/)?("
    + "|".join(sorted((re.escape(t) for t in KNOWN_TOOLS), key=len, reverse=True))
    + r")(?=\s)",
    re.I,
)
_PUNCT = str.maketrans({c: " " for c in ".!?;:,"})
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”")
#: "Write a function that sends an email" asks for code, it does not send anything.
_WRITING_CODE = re.compile(
    r"^\s*(?:please\s+|now\s+|let's\s+|i'll\s+|i\s+will\s+)?(?:write|create|implement|build|generate|define|draft|"
    r"sketch|code\s+up|add|design)\s+(?:a|an|the|some|me\s+a)\s+(?:[\w-]+\s+){0,2}?(?:function|script|class|program|"
    r"snippet|example|module|method|test|tests|helper|query|template|regex|endpoint|handler|route|cli|tool|job)\b"
    r"(?!.*\b(?:and|then)\s+(?:run|execute|call)\b)",
    re.I,
)


@dataclass
class _Reading:
    """Everything read from one text, for the reasons and the low-risk summary."""

    hits: List[RiskHit] = field(default_factory=list)
    blocks: List[str] = field(default_factory=list)
    prose: bool = False


def _evidence(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
    line = re.sub(r"\s+", " ", line)
    return line if len(line) <= 100 else line[:97] + "..."


def _negated(clause: str, pos: int) -> bool:
    """True when the words just before ``pos`` negate it, or the clause so far explains it."""
    if _EXPLAINING.search(clause[:pos]):
        return True
    window = " ".join(re.findall(r"\S+", clause[max(0, pos - 80) : pos])[-6:])
    return bool(_NEGATION.search(window)) and not _NOT_NEGATED.search(window)


def _clauses(text: str) -> List[Tuple[int, str]]:
    """Clauses with their offsets. A question ("Should we deploy on Fridays?") proposes nothing,
    so questions are left out."""
    out: List[Tuple[int, str]] = []
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > start and m.group(0) != "?":
            out.append((start, text[start : m.start()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return [(s, c) for s, c in out if c.strip()]


class RiskPolicy:
    """Decides whether a proposed action is low or high risk.

    ``extra_rules`` adds your own :class:`Rule` patterns to the defaults; ``rules`` replaces the
    default pattern rules entirely (shell commands are still parsed unless ``read_commands=False``).
    """

    def __init__(
        self, *, extra_rules: Sequence[Rule] = (), rules: Optional[Sequence[Rule]] = None, read_commands: bool = True
    ) -> None:
        chosen = list(DEFAULT_RULES if rules is None else rules) + list(extra_rules)
        for rule in chosen:
            if not isinstance(rule, Rule):
                raise TypeError(
                    f"RiskPolicy rules must be hitl_modes.Rule objects, got {type(rule).__name__}: {rule!r}"
                )
        self.rules: Tuple[Rule, ...] = tuple(chosen)
        self.read_commands = read_commands
        self._code_rules = [r for r in self.rules if r.where in ("code", "any")]
        self._prose_rules = [r for r in self.rules if r.where in ("prose", "any")]

    # -- public ---------------------------------------------------------------------------------
    def assess(self, text: str) -> RiskAssessment:
        """Assess a proposed action written as text (markdown with optional code blocks)."""
        if not isinstance(text, str):
            raise TypeError(
                f"RiskPolicy.assess needs the action as text (str), got {type(text).__name__}. "
                "For an AutoGen message dict use assess_message(message)."
            )
        reading = _Reading()
        prose_parts: List[str] = []
        last = 0
        for m in _FENCE.finditer(text):
            prose_parts.append(text[last : m.start()])
            prose_parts.append("\n")
            lang = code_language(m.group("tag"), m.group("body"))
            reading.blocks.append(lang)
            reading.hits += self._read_code(m.group("body"), lang)
            last = m.end()
        prose_parts.append(text[last:])
        prose = "".join(prose_parts)
        if prose.strip():
            reading.prose = True
            reading.hits += self._read_prose(prose)
        return self._verdict(reading)

    def assess_message(self, message: Union[str, Mapping[str, Any], None]) -> RiskAssessment:
        """Assess an AutoGen message: its content and any tool or function calls it makes."""
        return self.assess(message_text(message, calls=True))

    # -- code -----------------------------------------------------------------------------------
    def _read_code(self, code: str, lang: str) -> List[RiskHit]:
        readable = readable_code(code, lang)
        hits = self._match_rules(self._code_rules, readable, lang, prose=False)
        if self.read_commands:
            if lang == "shell":
                for f in find_command_risks(readable, mode="script"):
                    hits.append(RiskHit(f.category, f.what, _squeeze(f.command), lang))
            if lang in ("python", "js", "other"):  # in a shell block, quoted text is an argument
                for s in command_strings(readable):
                    for f in find_command_risks(s, mode="string"):
                        hits.append(RiskHit(f.category, f.what, _squeeze(f.command), lang))
        return hits

    def _match_rules(
        self, rules: Iterable[Rule], text: str, where: str, *, prose: bool, clause_check: Optional[Any] = None
    ) -> List[RiskHit]:
        hits: List[RiskHit] = []
        taken: List[Tuple[int, int]] = []
        for rule in rules:
            for m in rule.regex.finditer(text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue  # a more specific rule already explained this text
                if clause_check is not None and not clause_check(rule, m):
                    continue
                if not prose and rule.dry_run_aware and _LINE_DRY_RUN.search(_evidence(text, m.start(), m.end())):
                    continue
                reason: Union[bool, str] = True
                if rule.refine is not None:
                    reason = rule.refine(text, m)
                    if reason is False:
                        continue
                taken.append(m.span())
                what = reason if isinstance(reason, str) else rule.reason
                hits.append(RiskHit(rule.category, what, _evidence(text, m.start(), m.end()), where))
        return hits

    # -- prose ----------------------------------------------------------------------------------
    def _read_prose(self, prose: str) -> List[RiskHit]:
        hits: List[RiskHit] = []
        inline = list(_INLINE.finditer(prose))
        flat = list(prose)
        for m in inline:  # keep inline code's words but not its punctuation, for clause splitting
            for i in range(m.start(), m.end()):
                flat[i] = prose[i].translate(_PUNCT) if prose[i] != "`" else " "
        for m in _QUOTED.finditer(prose):  # 'Translate "delete the files"' mentions, it does not ask
            if not any(s.start() <= m.start() < s.end() for s in inline):
                flat[m.start() : m.end()] = " " * (m.end() - m.start())
        text = "".join(flat)
        for start, clause in _clauses(text):
            if _PROSE_DRY_RUN.search(clause) or _WRITING_CODE.search(clause):
                continue

            def live(rule: Rule, m: re.Match[str], clause: str = clause) -> bool:
                return not _negated(clause, m.start())

            hits += self._match_rules(self._prose_rules, clause, "prose", prose=True, clause_check=live)
            for span in inline:
                if start <= span.start() < start + len(clause) and not _negated(clause, span.start() - start):
                    code = span.group(2)
                    hits += self._read_code(code, code_language("", code))
            if self.read_commands:
                hits += self._commands_in_prose(clause)
        return hits

    def _commands_in_prose(self, clause: str) -> List[RiskHit]:
        hits: List[RiskHit] = []
        for m in _TOOL_WORD.finditer(clause):
            if _negated(clause, m.start()):
                continue
            for f in find_command_risks(clause[m.start() :], mode="prose")[:1]:
                hits.append(RiskHit(f.category, f.what, _squeeze(f.command), "prose"))
        return hits

    # -- verdict --------------------------------------------------------------------------------
    @staticmethod
    def _verdict(reading: _Reading) -> RiskAssessment:
        unique: Dict[Tuple[str, str], RiskHit] = {}
        for hit in reading.hits:
            unique.setdefault((hit.category, hit.evidence), hit)
        hits = tuple(unique.values())
        if hits:
            return RiskAssessment("high", list(dict.fromkeys(str(h) for h in hits)), hits)
        read = [f"{n} {lang} block{'s' if n > 1 else ''}" for lang, n in _counts(reading.blocks)]
        if reading.prose:
            read.append("the prose")
        where = " and ".join([", ".join(read[:-1]), read[-1]] if len(read) > 1 else read) or "an empty text"
        return RiskAssessment("low", [f"no destructive or irreversible action recognised in {where}"])

    def __repr__(self) -> str:
        return f"RiskPolicy({len(self.rules)} rules, read_commands={self.read_commands})"


def _counts(items: List[str]) -> List[Tuple[str, int]]:
    out: Dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return list(out.items())


def _squeeze(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= 100 else text[:97] + "..."
