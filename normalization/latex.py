"""Find LaTeX in running text and read it aloud.

Math spans ($...$, $$...$$, \\(...\\), \\[...\\], math environments), bare commands
(\\alpha, \\frac{1}{2}, \\textbf{...}) and caret/underscore notation typed in plain text
(x^2, a_1) are located with a linear scan; only those spans go through pylatexenc.
"""

import logging
import re
from bisect import bisect_right
from functools import lru_cache

from . import latex_tree
from .latex_reader import CASES_ENVS, MATRIX_ENVS, MathReader
from .tables import SILENT_WITH_ARGS, TEXT_MACROS

log = logging.getLogger(__name__)

# Environments whose body is math; matrices and cases are read by MathReader.
MATH_ENVIRONMENTS = MATRIX_ENVS | CASES_ENVS | frozenset(
    {"equation", "align", "gather", "multline", "eqnarray", "displaymath", "math",
     "alignat", "flalign", "split", "aligned", "gathered"}
)  # fmt: skip

# Inline $...$ longer than this (or spanning a blank line) is not math: it is two
# dollar amounts in prose.
MAX_INLINE = 1000
# Longer formulas are read in pieces so one paste cannot stall the pipeline.
MAX_FORMULA = 6000
MAX_ARG_SCAN = 4000

_DELIMITERS = re.compile(
    r"\\\$|\$\$|\$|\\\[|\\\]|\\\(|\\\)|\\begin\{([A-Za-z]+\*?)\}|\\end\{([A-Za-z]+\*?)\}"
)
_ESCAPED = {
    "%": "%",
    "$": "$",
    "&": "&",
    "#": "#",
    "_": " ",
    "{": "",
    "}": "",
    " ": " ",
    ",": " ",
    ";": " ",
    "!": "",
    ":": " ",
    "\\": " ",
}
_SCRIPT = re.compile(r"([\^_])(\{[^{}\n]{0,40}\}|-?[A-Za-z0-9]+)")
# TeX-only structure words that can appear bare in running text.
_STRUCTURE = frozenset(
    {
        "begin",
        "end",
        "item",
        "maketitle",
        "newline",
        "par",
        "noindent",
        "centering",
        "hline",
        "usepackage",
        "documentclass",
    }
)


class Segment:
    __slots__ = ("text", "math")

    def __init__(self, text, math):
        self.text = text
        self.math = math


def find_math(text):
    """Split text into Segments of prose and math (math text is the formula source)."""
    if "$" not in text and "\\" not in text:
        return [Segment(text, False)]
    tokens = list(_DELIMITERS.finditer(text))
    if not tokens:
        return [Segment(text, False)]
    kinds = [_kind(t) for t in tokens]
    positions = {}
    for index, kind in enumerate(kinds):
        positions.setdefault(kind, []).append(index)
    dollar_closers = [k for k in positions.get("$", []) if _can_close(text, tokens[k])]

    segments = []
    cursor = 0
    k = 0
    while k < len(tokens):
        token, kind = tokens[k], kinds[k]
        close = None
        if kind in ("$$", "\\[", "\\("):
            close = _next(positions.get(_CLOSERS[kind], []), k)
        elif kind == "$" and _can_open(text, token):
            close = _next(dollar_closers, k)
            if close is not None:
                inner = text[token.end() : tokens[close].start()]
                if (
                    len(inner) > MAX_INLINE
                    or "\n\n" in inner
                    or "\n\r\n" in inner
                    or _reads_like_prose(inner)
                ):
                    close = None
        elif kind.startswith("begin:") and kind[6:].rstrip("*") in MATH_ENVIRONMENTS:
            close = _next(positions.get("end:" + kind[6:], []), k)
        if close is None:
            k += 1
            continue
        if token.start() > cursor:
            segments.append(Segment(text[cursor : token.start()], False))
        if kind.startswith("begin:"):
            segments.append(Segment(text[token.start() : tokens[close].end()], True))
        else:
            segments.append(Segment(text[token.end() : tokens[close].start()], True))
        cursor = tokens[close].end()
        k = close + 1
    if cursor < len(text):
        segments.append(Segment(text[cursor:], False))
    return segments


_CLOSERS = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}


def _kind(token):
    if token.group(1):
        return "begin:" + token.group(1)
    if token.group(2):
        return "end:" + token.group(2)
    return token.group()


def _next(indices, k):
    at = bisect_right(indices, k)
    return indices[at] if at < len(indices) else None


_TEXT_ARGUMENT = re.compile(r"\\[A-Za-z]+\{[^{}]*\}")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z][a-z]")
_THREE_WORDS = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}")


def _reads_like_prose(inner):
    """'$5 per item and then $x$': three plain words in a row are not a formula, so the
    first $ is money. Words inside \\text{...} and the like do not count."""
    if _SENTENCE_BREAK.search(inner):
        return True  # "$5 on Monday. Then $x$": a formula never holds a sentence end
    if not _THREE_WORDS.search(inner):
        return False
    return _THREE_WORDS.search(_TEXT_ARGUMENT.sub(" ", inner)) is not None


def _can_open(text, token):
    # Pandoc's rule: an opening $ is followed by a non-space character.
    end = token.end()
    return end < len(text) and not text[end].isspace()


def _can_close(text, token):
    # A closing $ follows a non-space character and is not followed by a digit,
    # so "$5 and $10" stays money.
    start, end = token.start(), token.end()
    if start == 0 or text[start - 1].isspace():
        return False
    return not (end < len(text) and text[end].isdigit())


def split_bare_commands(text):
    """Split prose around formulas typed without delimiters.

    A formula run is a stretch of math-like tokens (commands, letters standing alone,
    numbers, operators, brackets) holding at least one unmistakable math token: a
    backslash command or a ^ / _ script. Yields (kind, string): kind is "text" (prose),
    "math" (formula source) or "prose" (the argument of \\textbf and the like).
    """
    formula_hint = "=" in text and _looks_like_formula(text)
    if "\\" not in text and "^" not in text and "_" not in text and not formula_hint:
        yield "text", text
        return
    length = len(text)
    unit_powers = {m.start(1) for m in _UNIT_POWER.finditer(text)} if "^" in text else ()
    cursor = 0  # start of prose not yet yielded
    run_start = None  # start of the current math-like run
    strong = False
    pos = 0
    while pos < length:
        m = _MATH_TOKEN.match(text, pos)
        kind = m.lastgroup if m else "stop"
        end = m.end() if m else pos + 1
        interrupt = None
        if kind == "command":
            name = m.group("name")
            end = _scan_arguments(text, end, length)
            if name in TEXT_MACROS and name not in ("mathrm", "operatorname"):
                interrupt = ("prose", _last_argument(text[m.end() : end]))
            elif name in SILENT_WITH_ARGS or name in _STRUCTURE:
                interrupt = ("text", " ")
            else:
                strong = True
        elif kind == "escape":
            char = m.group("char")
            if char in _MATH_ESCAPES:
                strong = True
            elif char not in _SPACING:
                interrupt = ("text", _ESCAPED.get(char, ""))
        elif kind == "script":
            if pos in unit_powers:  # 50 m^2 is a measure, not a formula
                kind, end = "stop", pos + 2
            else:
                strong = True
        elif kind == "function" or kind == "equals" and formula_hint:
            strong = True
        elif kind == "word" and len(m.group()) > 1 and m.group().lower() in _SHORT_WORDS:
            kind = "stop"
        if interrupt is not None or kind == "stop":
            if run_start is not None and strong:
                yield from _emit_run(text, cursor, run_start, pos)
                cursor = _run_end(text, run_start, pos)
            if interrupt is not None:
                if pos > cursor:
                    yield "text", text[cursor:pos]
                yield interrupt
                cursor = end
            run_start, strong = None, False
        elif run_start is None:
            run_start = pos
        pos = end
    if run_start is not None and strong:
        yield from _emit_run(text, cursor, run_start, length)
        cursor = _run_end(text, run_start, length)
    if cursor < length:
        yield "text", text[cursor:]


_SPACING = frozenset(" ,;!:")
_UNIT_POWER = re.compile(r"[0-9]\s?(?:mm|cm|km|μm|m|ft|in|m/s|s)(\^)[23](?![0-9])")
_MATH_ESCAPES = frozenset("{}|")
# Short English words end a formula run; other short letter groups (ab, xy) are products.
_SHORT_WORDS = frozenset(
    "a i an as at be by do go he if in is it me my no of on or so to up us we am "
    "and are but can for had has her him his how its let may not now off one our out "
    "own per put say see she the too two use was way who why yes yet you all any few "
    "get got new old set top end".split()
)
_MATH_TOKEN = re.compile(
    r"(?P<command>\\(?P<name>[A-Za-z]+)\*?)"
    r"|(?P<escape>\\(?P<char>[^A-Za-z]))"
    r"|(?P<script>[\^_])"
    r"|(?P<function>(?<![A-Za-z])[A-Za-z]'*\((?=[^()]{0,30}\)))"
    r"|(?P<word>(?<![A-Za-z])[A-Za-z]{1,3}(?![A-Za-z]))"
    r"|(?P<number>[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<equals>=)"
    r"|(?P<op>[+\-*/<>()\[\]{}|,.!':\s])",
    re.S,
)
_FORMULA_HINT = re.compile(r"(?<![A-Za-z])[A-Za-z](?:'*\(|'+(?![A-Za-z]))|\d[a-z]\b")


def _looks_like_formula(text):
    return _FORMULA_HINT.search(text) is not None


def _run_end(text, start, stop):
    """A formula run gives trailing spaces and sentence punctuation back to the prose."""
    while stop > start and text[stop - 1] in " \t\r\n.,;:!?":
        stop -= 1
    return stop


def _emit_run(text, cursor, start, stop):
    end = _run_end(text, start, stop)
    while start < end and text[start] in " \t\r\n.,;:!?":
        start += 1
    if start > cursor:
        yield "text", text[cursor:start]
    yield "math", _brace_scripts(text[start:end])


def _brace_scripts(source):
    # In typed notes x^10 means x to the tenth, not TeX's x^{1}0.
    if "\\" in source:
        return source
    return _SCRIPT.sub(_brace_script, source)


def _brace_script(m):
    arg = m.group(2)
    return m.group(1) + (arg if arg.startswith("{") else "{" + arg + "}")


def _scan_arguments(text, pos, length):
    """End of the {...} and [...] groups that follow a command (at most MAX_ARG_SCAN on)."""
    limit = min(length, pos + MAX_ARG_SCAN)
    while pos < limit:
        start = pos
        while pos < limit and text[pos] == " ":
            pos += 1
        if pos >= limit or text[pos] not in "{[":
            return start
        opener = text[pos]
        close = "}" if opener == "{" else "]"
        depth = 0
        while pos < limit:
            ch = text[pos]
            if ch == opener:
                depth += 1
            elif ch == close:
                depth -= 1
                if depth == 0:
                    pos += 1
                    break
            elif ch == "\n" and opener == "[":
                return start
            pos += 1
    return pos


def _last_argument(source):
    depth = 0
    start = None
    last = ""
    for index, ch in enumerate(source):
        if ch == "{":
            if depth == 0:
                start = index + 1
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0 and start is not None:
                last = source[start:index]
    if start is not None and depth:
        last = source[start:]
    return last


def read_math(source, text_reader):
    """Speak one formula. Long formulas are read in slices cut at spaces."""
    if len(source) <= MAX_FORMULA:
        return _read_cached(source, text_reader)
    log.warning("formula of %d characters read in pieces", len(source))
    parts = []
    for start in range(0, len(source), MAX_FORMULA):
        parts.append(_read_cached(source[start : start + MAX_FORMULA], text_reader))
    return " ".join(p for p in parts if p)


@lru_cache(maxsize=4096)
def _read_cached(source, text_reader):
    items = latex_tree.parse(source)
    return MathReader(text_reader).speak(items)
