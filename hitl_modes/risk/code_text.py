"""Turn a code block into the text a risk rule should read.

A rule that reads raw code raises false alarms on ``# delete the temp files later`` and
``print("rm -rf is dangerous")``, and misses ``from shutil import rmtree as zap; zap(p)``. So before
any rule runs: comments and printed or logged text are blanked out (positions are kept), Python
import aliases are rewritten to the canonical name, and the string literals that may hold shell
commands (``os.system("rm -rf x")``, ``subprocess.run(["git", "push", "-f"])``) are picked out.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, List, Tuple

from .shell_parse import split_statements

__all__ = ["LANGUAGES", "code_language", "readable_code", "command_strings"]

#: Languages a code block is read as.
LANGUAGES = ("shell", "python", "sql", "js", "other")

_TAGS: Dict[str, str] = {}
for _lang, _names in {
    "shell": "sh bash shell zsh console terminal shell-session shellsession powershell ps1 pwsh cmd bat batch "
    "dockerfile fish ksh",
    "python": "python py python3 py3 ipython ipython3 pycon jupyter",
    "sql": "sql postgres postgresql psql mysql sqlite sqlite3 plsql tsql mssql mariadb pgsql cql",
    "js": "js javascript ts typescript node nodejs jsx tsx mjs cjs deno",
}.items():
    for _name in _names.split():
        _TAGS[_name] = _lang

_PYTHON_MARKERS = re.compile(
    r"^\s*(?:import\s+\w|from\s+[\w.]+\s+import\b|def\s+\w+\s*\(|class\s+\w+|async\s+def\b|with\s+.+:\s*$"
    r"|for\s+\w+\s+in\s+.+:\s*$|print\(|if\s+__name__)",
    re.M,
)
_JS_MARKERS = re.compile(r"\b(?:const|let|var)\s+\w+\s*=|=>|\brequire\(|\bconsole\.log\b|\bawait\s+fetch\(")
_SQL_FIRST = re.compile(
    r"^\s*(?:select|insert|update|delete|drop|create|alter|truncate|with|grant|revoke|merge|replace|begin|use)\b", re.I
)


def code_language(tag: str, code: str) -> str:
    """The language of a fenced block: from its tag (```` ```bash ````), else guessed from its text."""
    lang = _TAGS.get(tag.strip().lower())
    if lang:
        return lang
    first = next((line for line in code.splitlines() if line.strip()), "")
    if _SQL_FIRST.match(first):
        return "sql"
    if _PYTHON_MARKERS.search(code):
        return "python"
    if _JS_MARKERS.search(code):
        return "js"
    return "shell"


def _blank(text: str, spans: List[Tuple[int, int]]) -> str:
    """Replace each span by spaces, keeping newlines, so positions and line numbers stay."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


# -- Python ------------------------------------------------------------------------------------
_OUTPUT_METHODS = {
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "log",
    "write",
    "echo",
    "secho",
    "markdown",
    "success",
    "caption",
    "text",
}
_OUTPUT_RECEIVERS = {
    "logging",
    "logger",
    "log",
    "_logger",
    "_log",
    "LOGGER",
    "LOG",
    "stdout",
    "stderr",
    "click",
    "st",
    "console",
    "typer",
    "rich",
    "warnings",
}


def _python_spans(code: str) -> List[Tuple[int, int]]:
    """Comments and print/logging calls, from Python's own tokenizer."""
    starts = [0]
    for line in code.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(pos: Tuple[int, int]) -> int:
        row, col = pos
        return starts[row - 1] + col if row - 1 < len(starts) else len(code)

    tokens = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            tokens.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # keep what was read: a snippet may stop mid-statement
    spans: List[Tuple[int, int]] = []
    for i, tok in enumerate(tokens):
        if tok.type == tokenize.COMMENT:
            spans.append((offset(tok.start), offset(tok.end)))
            continue
        if tok.type != tokenize.NAME or i + 1 >= len(tokens) or tokens[i + 1].string != "(":
            continue
        prev = tokens[i - 1].string if i else ""
        is_print = tok.string == "print" and prev != "."
        is_log = tok.string in _OUTPUT_METHODS and prev == "." and i >= 2 and tokens[i - 2].string in _OUTPUT_RECEIVERS
        if not (is_print or is_log):
            continue
        depth = 0
        for j in range(i + 1, len(tokens)):
            tok2 = tokens[j]
            if tok2.type == tokenize.OP and tok2.string in "([{":
                depth += 1
            elif tok2.type == tokenize.OP and tok2.string in ")]}":
                depth -= 1
                if depth == 0:
                    begin = offset(tokens[i - 2].start) if is_log else offset(tok.start)
                    spans.append((begin, offset(tok2.end)))
                    break
    if not tokens:
        spans += _hash_comment_spans(code)
    return spans


_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+?)[ \t]*$", re.M)
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([\w, \t\n]+?)\)?[ \t]*$", re.M)


def _canonical_names(code: str) -> str:
    """``import shutil as sh`` makes ``sh.rmtree(`` read ``shutil.rmtree(``; ``from os import remove
    as rm`` makes ``rm(`` read ``os.remove(``, so rules need only the canonical names."""
    for m in _IMPORT.finditer(code):
        for part in m.group(1).split(","):
            words = part.split()
            if len(words) == 3 and words[1] == "as" and words[2] != words[0]:
                code = re.sub(rf"(?<![\w.]){re.escape(words[2])}\.", f"{words[0]}.", code)
    for m in _FROM_IMPORT.finditer(code):
        module = m.group(1)
        for part in m.group(2).replace("\n", " ").split(","):
            words = part.split()
            if not words:
                continue
            name, alias = words[0], words[2] if len(words) == 3 and words[1] == "as" else words[0]
            code = re.sub(rf"(?<![\w.]){re.escape(alias)}(\s*\()", rf"{module}.{name}\1", code)
    return code


# -- shell, SQL, JavaScript --------------------------------------------------------------------
def _hash_comment_spans(code: str) -> List[Tuple[int, int]]:
    """``#`` comments at the start of a word, outside quotes (shell and Python alike)."""
    spans = []
    quote = None
    i = 0
    while i < len(code):
        c = code[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote or c == "\n" and quote != '"""':
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or code[i - 1] in " \t\n;|&("):
            end = code.find("\n", i)
            end = len(code) if end < 0 else end
            spans.append((i, end))
            i = end
            continue
        i += 1
    return spans


_FEEDS_A_PROGRAM = re.compile(
    r"^(?:sudo\s+)?(?:sh|bash|zsh|dash|ksh|python\d?|node|perl|ruby|psql|mysql|sqlite3|mongo|mongosh|redis-cli|"
    r"xargs|kubectl|cqlsh|clickhouse-client|sqlcmd|tee\s+/dev/)\b"
)


def _shell_output_spans(code: str) -> List[Tuple[int, int]]:
    """``echo``/``printf`` statements only print, unless their output is piped into a program."""
    statements = split_statements(code)
    spans = []
    for i, st in enumerate(statements):
        if not re.match(r"^(?:echo|printf|print|write-host|write-output)\b", st.text, re.I):
            continue
        nxt = statements[i + 1] if i + 1 < len(statements) else None
        if nxt is not None and nxt.after == "|" and _FEEDS_A_PROGRAM.match(nxt.text):
            continue
        spans.append((st.start, st.end))
    return spans


_SQL_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_JS_COMMENTS = re.compile(r"(?<![:\w\"'])//[^\n]*|/\*.*?\*/", re.S)
_JS_OUTPUT = re.compile(r"\bconsole\.(?:log|info|warn|error|debug)\s*\((?:[^()\n]|\([^()\n]*\))*\)")


def readable_code(code: str, language: str) -> str:
    """``code`` with comments and pure output blanked (same length), and Python aliases resolved."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {language!r}")
    if language == "python":
        return _canonical_names(_blank(code, _python_spans(code)))
    if language == "sql":  # comments, and the insides of string literals ('DROP TABLE is a statement')
        spans = [m.span() for m in _SQL_COMMENTS.finditer(code)]
        spans += [(m.start() + 1, m.end() - 1) for m in re.finditer(r"'(?:[^'\n]|'')*'", code)]
        return _blank(code, spans)
    if language == "js":
        spans = [m.span() for m in _JS_COMMENTS.finditer(code)] + [m.span() for m in _JS_OUTPUT.finditer(code)]
        return _blank(code, spans)
    without_comments = _blank(code, _hash_comment_spans(code))
    return _blank(without_comments, _shell_output_spans(without_comments))


# -- strings that may be commands --------------------------------------------------------------
_STRING = re.compile(
    r"""[rRbBuUfF]{0,2}(?P<q3>\"\"\"|''')(?P<s3>.*?)(?P=q3)"""
    r"""|[rRbBuUfF]{0,2}(?P<q>["'`])(?P<s>(?:\\.|(?!(?P=q))[^\\\n])*)(?P=q)""",
    re.S,
)
_LIST = re.compile(r"[\[(]([^\[\]()\n]{1,400})[\])]")


def _split_elements(inside: str) -> List[str]:
    parts, buf, quote = [], [], None
    for c in inside:
        if quote:
            buf.append(c)
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
            buf.append(c)
        elif c == ",":
            parts.append("".join(buf).strip())
            buf = []
        else:
            buf.append(c)
    parts.append("".join(buf).strip())
    return [p for p in parts if p]


def command_strings(code: str) -> List[str]:
    """String literals in code that may be shell commands, and argument lists joined into one
    (``["rm", "-rf", path]`` gives ``rm -rf ARG``). A string glued to a variable (``"rm " + p``,
    an f-string) gets ``ARG`` appended for the part that is not written down."""
    out: List[str] = []
    for m in _STRING.finditer(code):
        text = m.group("s3") if m.group("q3") else m.group("s")
        rest = code[m.end() : m.end() + 12].lstrip()
        if rest.startswith(("+", "%", ".format")) or ("{" in text and m.group(0)[:1] in "fF"):
            text += " ARG"
        out.append(text)
    for m in _LIST.finditer(code):
        elements = _split_elements(m.group(1))
        if len(elements) < 2 or not _STRING.fullmatch(elements[0]):
            continue
        words = []
        for element in elements:
            literal = _STRING.fullmatch(element)
            if literal:
                words.append(literal.group("s3") if literal.group("q3") else literal.group("s"))
            else:
                words.append("ARG")
        out.append(" ".join(words))
    return out
