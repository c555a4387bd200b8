"""Read a parsed formula (items from latex_tree) aloud, the way a teacher says it.

The reader walks the item tree left to right. Each operand (number, letter, group,
bracketed expression, macro that stands for a thing) is read together with its
postfixes: sub- and superscripts, primes, function application and factorials.
Operators and relations are single words. Big operators and functions consume their
limits and announce what follows ("the sum from i equals one to n of ...").
"""

import logging
import re

from .numbers import cardinal, fraction, number, ordinal
from .tables import (
    ACCENTS,
    BIG_OPERATORS,
    FUNCTIONS,
    GREEK,
    MATH_STYLE_MACROS,
    MATH_SYMBOLS,
    SILENT_MACROS,
    SILENT_WITH_ARGS,
    TEXT_MACROS,
)

log = logging.getLogger(__name__)

MAX_DEPTH = 40

OPERATORS = {
    "+": "plus",
    "-": "minus",
    "−": "minus",
    "*": "times",
    "/": "over",
    "=": "equals",
    "<": "is less than",
    ">": "is greater than",
    ",": ",",
    ";": ",",
    ":": ",",
    "!": "factorial",
    "'": "prime",
    "@": "at",
    "#": "number",
    "%": "percent",
    "&": "and",
    "×": "times",
    "±": "plus or minus",
}
# Punctuation that has no sound of its own inside a formula.
QUIET = frozenset('.?~"`()[]{}\\^_$|')

TWO_CHAR_OPERATORS = {
    "<=": "is less than or equal to",
    ">=": "is greater than or equal to",
    "!=": "is not equal to",
    ":=": "is defined as",
    "->": "to",
    "==": "equals",
    "<-": "gets",
    "=>": "implies",
    "..": "dot dot dot",
}

COMPOUND_OPS = frozenset("+-=<>−")
COMPOUND_MACROS = frozenset(
    {
        "pm",
        "mp",
        "neq",
        "ne",
        "leq",
        "le",
        "geq",
        "ge",
        "approx",
        "equiv",
        "to",
        "rightarrow",
        "Rightarrow",
        "implies",
        "iff",
        "in",
        "subset",
        "subseteq",
        "cup",
        "cap",
        "lt",
        "gt",
        "sim",
        "propto",
    }
)
_MINUS = (("op", "-"), ("op", "−"))
LIMIT_OPERATORS = frozenset({"lim", "limsup", "liminf"})
# Big operators with nothing to apply to (a subscript label such as T_{\max}) say their name.
BARE_OPERATOR_NAMES = {
    "max": "max",
    "min": "min",
    "sup": "sup",
    "inf": "inf",
    "argmax": "arg max",
    "argmin": "arg min",
}
INTEGRALS = frozenset({"int", "iint", "iiint", "oint"})
FRACTIONS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
BINOMIALS = frozenset({"binom", "dbinom", "tbinom"})
MATRIX_ENVS = frozenset(
    {
        "matrix",
        "pmatrix",
        "bmatrix",
        "Bmatrix",
        "vmatrix",
        "Vmatrix",
        "smallmatrix",
        "array",
    }
)
CASES_ENVS = frozenset({"cases", "dcases", "rcases"})
CONDITION_STARTS = ("if", "otherwise", "for", "when", "else", "where", "unless")

# Letters that name a function when followed by (...): f(x) is "f of x".
FUNCTION_LETTERS = frozenset("fghFGHPQLNO")
# Letters that name a function only when their argument is simple: x(t), u(x, t).
MAYBE_FUNCTION_LETTERS = frozenset("uvwxyzrsqpTVRSCDIJKMWXYZ")

_SPACE_BEFORE_COMMA = re.compile(r"\s+,")
_COMMAS = re.compile(r",(\s*,)+")
_SPACES = re.compile(r"\s+")
_ENDS = re.compile(r"^[\s,]+|[\s,:]+$")

DENOMINATOR_NAMES_MAX = 10


def tidy(words) -> str:
    text = " ".join(w for w in words if w)
    text = _SPACE_BEFORE_COMMA.sub(",", text)
    text = _COMMAS.sub(",", text)
    text = _SPACES.sub(" ", text)
    return _ENDS.sub("", text)


def _is_num(items, integer=False):
    return len(items) == 1 and items[0][0] == "num" and (not integer or items[0][1].isdigit())


def _first_letter(items):
    """'d' for [d, y] or [\\mathrm{d}, y]; 'partial' for [\\partial, f]."""
    if not items:
        return None
    head = items[0]
    if head[0] == "var":
        return head[1]
    if head[0] == "mac":
        if head[1] == "partial":
            return "partial"
        if head[1] in ("mathrm", "operatorname") and head[2] and head[2][0]:
            inner = head[2][-1]
            if inner and inner[0][0] == "raw":
                return inner[0][1].strip()
    if head[0] == "sym" and head[1] == "partial":
        return "partial"
    return None


# Bracket macros that pair up, and what the pair means when read aloud.
_OPENERS = {
    "{": "{",
    "langle": "the inner product of",
    "lfloor": "the floor of",
    "lceil": "the ceiling of",
}
_CLOSERS = frozenset({"}", "rangle", "rfloor", "rceil"})


def group_brackets(items):
    """Turn matching ( ) and [ ] into ("paren", open, inner, close) and \\{ \\} into sets."""
    out = []
    stack = []
    for item in items:
        kind = item[0]
        if kind == "op" and item[1] in "([" or (kind == "mac" and item[1] in _OPENERS):
            if len(stack) < MAX_DEPTH:
                stack.append((len(out), item))
                continue
        elif stack and (kind == "op" and item[1] in ")]" or kind == "mac" and item[1] in _CLOSERS):
            start, opener = stack.pop()
            inner = out[start:]
            del out[start:]
            if opener[0] == "mac" and opener[1] == "{":
                out.append(("set", inner))
            elif opener[0] == "mac":
                out.append(("paren", _OPENERS[opener[1]], inner, item[1]))
            else:
                out.append(("paren", opener[1], inner, item[1]))
            continue
        out.append(item)
        # A bracket opener left open stays in `out` at its recorded position.
    if stack:
        # Unmatched openers: leave them as quiet punctuation at their positions.
        for start, opener in reversed(stack):
            out.insert(start, opener)
    return out


def _names_a_map(base):
    """A^{-1} and f^{-1} are inverses; x^{-1} is x to the minus one."""
    if base is None:
        return False
    if base[0] == "var":
        return base[1].isupper() or base[1] in "fgh"
    return base[0] == "mac" and base[1] in MATH_STYLE_MACROS


def _is_compound(items):
    for idx, item in enumerate(items):
        if idx == 0:
            continue
        if item[0] == "op" and item[1] in COMPOUND_OPS:
            return True
        if item[0] == "mac" and item[1] in COMPOUND_MACROS:
            return True
    return False


class MathReader:
    """Reads items aloud. text_reader(str) -> str speaks prose from \\text{...}."""

    def __init__(self, text_reader):
        self.text_reader = text_reader
        self.approaching = 0  # > 0 while reading the subscript of a limit

    def speak(self, items) -> str:
        return tidy(self.seq(items, 0))

    # -- sequences -------------------------------------------------------------------

    def seq(self, items, depth):
        if depth > MAX_DEPTH:
            log.warning("formula nested too deeply; dropping its innermost part")
            return []
        items = group_brackets(items)
        out = []
        i = 0
        while i < len(items):
            i = self.term(items, i, out, depth)
        return out

    def term(self, items, i, out, depth):
        item = items[i]
        kind = item[0]
        if kind == "op":
            return self.operator(items, i, out, depth)
        if kind == "mac":
            return self.macro(items, i, out, depth)
        if kind == "sym":
            out.append(item[1])
            return i + 1
        if kind == "amp":
            return i + 1
        if kind == "nl":
            out.append(",")
            return i + 1
        if kind == "raw":
            out.append(self.text_reader(item[1]))
            return i + 1
        if kind in ("sup", "sub"):
            return self.postfix(items, i, [], out, depth, simple=False)
        if (
            kind == "num"
            and i + 2 < len(items)
            and items[i + 1] == ("op", "/")
            and _is_num(items[i + 2 : i + 3], integer=True)
            and item[1].isdigit()
            and 2 <= int(items[i + 2][1]) <= DENOMINATOR_NAMES_MAX
        ):
            out.append(fraction(item[1], items[i + 2][1]))  # 1/2 in a formula: one half
            return i + 3
        words, simple = self.operand(item, depth)
        return self.postfix(items, i + 1, words, out, depth, simple=simple, base=item)

    def operand(self, item, depth):
        kind = item[0]
        if kind == "num":
            return [number(item[1])], True
        if kind in ("var", "words"):
            return [item[1]], True
        if kind == "grp":
            inner = item[1]
            return self.seq(inner, depth + 1), len(inner) == 1
        if kind == "paren":
            lead = [item[1]] if len(item[1]) > 1 else []
            return lead + self.seq(item[2], depth + 1), len(item[2]) == 1 and not lead
        if kind == "set":
            return self.set_builder(item[1], depth), False
        if kind == "env":
            return self.environment(item[1], item[2], depth), False
        return [], False

    # -- postfixes: scripts, primes, application, factorial -----------------------------

    def script_arg(self, items, j):
        """The argument of ^ or _ at items[j]; TeX takes one token, so x^23 is x^{2}3."""
        if j >= len(items):
            return [], j
        arg = items[j]
        if arg[0] == "grp":
            return arg[1], j + 1
        if arg[0] == "num" and len(arg[1]) > 1 and arg[1][0] != ".":
            items[j] = ("num", arg[1][1:])
            return [("num", arg[1][0])], j
        if arg[0] in ("sup", "sub", "amp", "nl"):
            return [], j
        return [arg], j + 1

    def postfix(self, items, j, words, out, depth, simple, base=None):
        sub = sup = None
        primes = 0
        n = len(items)
        while j < n:
            kind = items[j][0]
            if kind == "sub" and sub is None:
                sub, j = self.script_arg(items, j + 1)
            elif kind == "sup" and sup is None:
                sup, j = self.script_arg(items, j + 1)
            elif items[j] == ("op", "'"):
                primes += 1
                j += 1
            elif kind == "mac" and items[j][1] == "prime":
                primes += 1
                j += 1
            else:
                break
        words = list(words)
        if primes:
            words.append(("prime", "double prime", "triple prime")[min(primes, 3) - 1])
        if sub:
            words += self.subscript(sub, simple, depth)
        if sup is not None and j < n and items[j][0] == "paren" and _names_a_map(base):
            words += self.base_power(base, sup, depth)  # f^{-1}(x): f inverse of x
            sup = None
        applied = False
        # p^k (1-p): a powered letter multiplies what follows, it is not applied to it.
        if j < n and items[j][0] == "paren" and base is not None and sup is None:
            application = self.application(base, items[j], depth)
            if application is not None:
                words = application[0] + (words[1:] if application[1] else words) + application[2]
                applied = True
                j += 1
                if sup is None and j < n and items[j][0] == "sup":
                    sup, j = self.script_arg(items, j + 1)
        if sup is not None:
            power = self.base_power(base, sup, depth)
            if base is not None and base[0] == "paren" and _is_compound(base[2]) and power:
                words += [",", "all"]
            words += power
            if power == ["degrees"] and j < n:
                j = self.temperature_scale(items, j, words)
        factorial = False
        # After an operand "!" is a factorial even before "=": TeX has no "!=" operator,
        # so $5! = 120$ is "five factorial equals", never "is not equal to".
        if j < n and items[j] == ("op", "!"):
            words.append("factorial")
            factorial = True
            j += 1
        if (
            factorial or not applied and base is not None and base[0] in ("num", "paren", "var")
        ) and j < n:
            nxt = items[j]
            if nxt[0] == "paren" and _is_compound(nxt[2]):
                words.append("times")
        out.extend(words)
        return j

    def temperature_scale(self, items, j, words):
        nxt = items[j]
        letter = nxt[1] if nxt[0] == "var" else _first_letter([nxt])
        scale = {"C": "celsius", "F": "fahrenheit"}.get(letter or "")
        if scale:
            words.append(scale)
            return j + 1
        return j

    def application(self, base, paren, depth):
        """f(x) -> 'f of x'; E[X] -> 'the expected value of X'; n(n+1) -> None."""
        letter = None
        if base[0] == "var":
            letter = base[1]
        elif base[0] == "words":
            letter = base[1]
        elif base[0] == "mac" and base[1] in MATH_STYLE_MACROS and base[2] and base[2][0]:
            arg = base[2][0]
            if len(arg) == 1 and arg[0][0] == "var":
                letter = arg[0][1]
        if letter is None:
            return None
        inner = paren[2]
        if letter == "E" and paren[1] in "[(":
            return ["the expected value of"], True, self.seq(inner, depth + 1)
        if letter in FUNCTION_LETTERS or (
            (letter in MAYBE_FUNCTION_LETTERS or len(letter) > 1)
            and not _is_compound(inner)
            and len(inner) <= 5
        ):
            if paren[1] != "(":
                return None
            return [], False, ["of"] + self.seq(inner, depth + 1)
        return None  # n(n+1): a product, read by the caller with the paren as its own item

    def base_power(self, base, sup, depth):
        power = self.power(sup, depth)
        if power == ["to the", "minus", "one"] and _names_a_map(base):
            return ["inverse"]
        return power

    def subscript(self, sub, simple, depth):
        if simple and len(sub) == 1 and sub[0][0] == "num":
            return [number(sub[0][1])]
        return ["sub"] + self.seq(sub, depth + 1)

    def power(self, sup, depth):
        if not sup:
            return []
        if len(sup) == 1:
            item = sup[0]
            kind, value = item[0], item[1] if len(item) > 1 else None
            if kind == "num":
                if value == "2":
                    return ["squared"]
                if value == "3":
                    return ["cubed"]
                if value.isdigit():
                    return ["to the", ordinal(value)]
                return ["to the", number(value)]
            if item == ("var", "T") or kind == "mac" and value in ("top", "intercal"):
                return ["transpose"]
            if kind == "mac" and value in ("circ", "degree"):
                return ["degrees"]
            if kind == "mac" and value in ("prime",) or item == ("op", "'"):
                return ["prime"]
            if item in (("op", "*"),) or kind == "mac" and value in ("ast", "star"):
                return ["star"]
            if item == ("op", "+"):
                return ["plus"]
            if item in (("op", "-"), ("op", "−")):
                return ["minus"]
            if kind == "mac" and value == "dagger":
                return ["dagger"]
        if len(sup) == 2 and sup[0][:2] == ("mac", "circ") and sup[1][0] == "var":
            return ["degrees"]
        return ["to the"] + self.seq(sup, depth + 1)

    # -- operators -----------------------------------------------------------------------

    def operator(self, items, i, out, depth):
        char = items[i][1]
        n = len(items)
        if i + 1 < n and items[i + 1][0] == "op":
            pair = char + items[i + 1][1]
            if pair in TWO_CHAR_OPERATORS:
                word = TWO_CHAR_OPERATORS[pair]
                if pair == "->" and self.approaching:
                    word = "approaches"
                if pair == "..":
                    while i + 1 < n and items[i + 1] == ("op", "."):
                        i += 1
                    out.append(word)
                    return i + 1
                out.append(word)
                return i + 2
        if char in ("|", "‖"):
            return self.bars(items, i, out, depth, char)
        word = OPERATORS.get(char)
        if word is not None:
            out.append(word)
        elif char not in QUIET and not char.isspace():
            log.warning("dropping unreadable symbol %r in formula", char)
        return i + 1

    def bars(self, items, i, out, depth, char):
        """|x| is the absolute value of x, ‖v‖ the norm of v; a lone | means 'given'."""
        for j in range(i + 1, len(items)):
            if items[j] == ("op", char):
                inner = items[i + 1 : j]
                if not inner:
                    break
                lead = "the absolute value of" if char == "|" else "the norm of"
                words = [lead] + self.seq(inner, depth + 1)
                return self.postfix(items, j + 1, words, out, depth, simple=False)
        out.append("given")
        return i + 1

    # -- macros ------------------------------------------------------------------------

    def macro(self, items, i, out, depth):
        this = items[i]
        name = this[1]
        args = this[2] if isinstance(this[2], list) else []
        if name in SILENT_MACROS:
            if name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big"):
                if i + 1 < len(items) and items[i + 1] == ("op", "."):
                    return i + 2
            return i + 1
        if name in SILENT_WITH_ARGS:
            return i + 1
        if name in GREEK:
            return self.postfix(
                items, i + 1, [GREEK[name]], out, depth, simple=True, base=("words", GREEK[name])
            )
        if name in FUNCTIONS:
            return self.function(items, i, FUNCTIONS[name], out, depth)
        if name in BIG_OPERATORS:
            return self.big_operator(items, i, name, out, depth)
        if name in ("|", "Vert", "lVert", "rVert"):
            return self.bars(
                items[:i] + [("op", "‖")] + self._norm_rest(items[i + 1 :]), i, out, depth, "‖"
            )
        if name in ("vert", "lvert", "rvert"):
            return self.bars(
                items[:i] + [("op", "|")] + self._abs_rest(items[i + 1 :]), i, out, depth, "|"
            )
        if name in MATH_SYMBOLS:
            word = MATH_SYMBOLS[name]
            if name in ("to", "rightarrow", "longrightarrow") and self.approaching:
                word = "approaches"
            elif name == "mid" and depth == 0:
                word = "divides"  # P(A \mid B) is "given"; a \mid b on its own divides
            if name == "infty" or name == "partial" or name == "nabla" or name == "hbar":
                return self.postfix(items, i + 1, [word], out, depth, simple=True)
            out.append(word)
            return i + 1
        args, i = self.pull_args(name, args, items, i + 1)
        words, operand = self.structure(name, args, items, i, depth)
        if words is None:
            return self.unknown_macro(name, args, i, out, depth)
        if isinstance(words, tuple):  # a reader that consumed following items itself
            words, i = words
        if operand:
            return self.postfix(
                items,
                i,
                words,
                out,
                depth,
                simple=operand == "simple",
                base=this if operand == "simple" else None,
            )
        out.extend(words)
        return i

    @staticmethod
    def _norm_rest(rest):
        return [
            ("op", "‖") if it[0] == "mac" and it[1] in ("|", "Vert", "lVert", "rVert") else it
            for it in rest
        ]

    @staticmethod
    def _abs_rest(rest):
        return [
            ("op", "|") if it[0] == "mac" and it[1] in ("vert", "lvert", "rvert") else it
            for it in rest
        ]

    ARITY = {
        "sqrt": 1,
        "binom": 2,
        "dbinom": 2,
        "tbinom": 2,
        "frac": 2,
        "dfrac": 2,
        "tfrac": 2,
        "cfrac": 2,
        "overset": 2,
        "underset": 2,
        "stackrel": 2,
    }

    def pull_args(self, name, args, items, j):
        """Fill arguments pylatexenc could not find (\\frac12 at the end of a span) from the
        items that follow, the way TeX itself takes the next tokens."""
        need = self.ARITY.get(name, 1 if name in ACCENTS or name in MATH_STYLE_MACROS else 0)
        args = [a for a in args]
        if name == "sqrt":
            index = args[0] if len(args) == 2 else None
            radicand = args[-1] if args else None
            if radicand is None and j < len(items):
                radicand, j = self.script_arg(items, j)
            return [index, radicand or []], j
        present = [a for a in args if a is not None]
        while len(present) < need and j < len(items):
            arg, j2 = self.script_arg(items, j)
            if j2 == j and not arg:
                break
            present.append(arg)
            j = j2
        while len(present) < need:
            present.append([])
        return present, j

    def structure(self, name, args, items, j, depth):
        """Readings of structural macros. Returns (words, operand_kind) or (None, _)."""
        if name in FRACTIONS:
            return self.fraction(args[0], args[1], depth), "compound"
        if name == "sqrt":
            return self.root(args[0], args[1], depth), "compound"
        if name in BINOMIALS:
            return self.seq(args[0], depth + 1) + ["choose"] + self.seq(
                args[1], depth + 1
            ), "compound"
        if name in ACCENTS:
            before, after = ACCENTS[name]
            inner = self.seq(args[0], depth + 1) if args else []
            return [before] + inner + [after], "compound"
        if name in MATH_STYLE_MACROS:
            inner = args[0] if args else []
            letter_like = len(inner) == 1 and inner[0][0] in ("var", "words", "num")
            return self.seq(inner, depth + 1), "simple" if letter_like else "compound"
        if name in TEXT_MACROS:
            return self.text_macro(name, args, items, j, depth)
        if name in ("overset", "stackrel"):
            return self.seq(args[1], depth + 1), "compound"
        if name == "underset":
            return self.seq(args[1], depth + 1), "compound"
        if name == "not":
            return self.negation(args[0] if args else [], depth), None
        if name in ("pmod",):
            return ["mod"] + self.seq(args[0] if args else [], depth + 1), None
        if name in ("bmod", "mod"):
            return ["mod"], None
        if name in ("xrightarrow", "xleftarrow", "longmapsto"):
            return ["to"], None
        return None, None

    def text_macro(self, name, args, items, j, depth):
        raw = ""
        if args and args[-1] and args[-1][0][0] == "raw":
            raw = args[-1][0][1]
        stripped = raw.strip()
        if stripped in BIG_OPERATORS and name in ("mathrm", "operatorname"):
            words = []
            return (words, self.big_operator(items, j - 1, stripped, words, depth)), None
        if stripped in FUNCTIONS and name in ("mathrm", "operatorname", "text", "textrm"):
            return self.function_words(items, j, FUNCTIONS[stripped], depth), None
        if name in ("mathrm", "operatorname"):
            if len(stripped) == 1 and stripped.isalpha():
                return [stripped], "simple"
        spoken = self.text_reader(raw)
        return [spoken], "compound" if name in ("mathrm", "operatorname") else None

    def negation(self, arg, depth):
        words = self.seq(arg, depth + 1)
        phrase = " ".join(words)
        if phrase == "equals":
            return ["is not equal to"]
        if phrase.startswith("is "):
            return ["is not " + phrase[3:]]
        if phrase == "in":
            return ["is not in"]
        return ["not"] + words

    def unknown_macro(self, name, args, i, out, depth):
        log.warning("dropping unknown LaTeX command \\%s", name)
        for arg in args:
            if arg:
                out.extend(self.seq(arg, depth + 1))
        return i

    # -- structures ----------------------------------------------------------------------

    def fraction(self, num, den, depth):
        if _is_num(num, integer=True) and _is_num(den, integer=True):
            d = int(den[0][1])
            if 2 <= d <= DENOMINATOR_NAMES_MAX:
                return [fraction(num[0][1], den[0][1])]
            return [cardinal(num[0][1]), "over", cardinal(den[0][1])]
        top, bottom = _first_letter(num), _first_letter(den)
        if top in ("d", "partial") and bottom == top and len(den) >= 2:
            words = self.seq(num, depth + 1) + ["by"] + self.seq(den, depth + 1)
            if len(num) == 1:
                words.append("of")
            return words
        top_words = self.seq(num, depth + 1)
        if _is_compound(num):
            return top_words + [",", "all over"] + self.seq(den, depth + 1)
        return top_words + ["over"] + self.seq(den, depth + 1)

    def root(self, index, radicand, depth):
        body = self.seq(radicand or [], depth + 1)
        if not index:
            return ["the square root of"] + body
        if _is_num(index, integer=True):
            value = index[0][1]
            if value == "2":
                return ["the square root of"] + body
            if value == "3":
                return ["the cube root of"] + body
            return ["the", ordinal(value), "root of"] + body
        if len(index) == 1 and index[0][0] == "var":
            return ["the", index[0][1] + "th", "root of"] + body
        return ["the"] + self.seq(index, depth + 1) + ["th root of"] + body

    def collect_limits(self, items, j):
        sub = sup = None
        n = len(items)
        while j < n:
            item = items[j]
            if item[0] == "mac" and item[1] in ("limits", "nolimits", "displaystyle"):
                j += 1
            elif item[0] == "sub" and sub is None:
                sub, j = self.script_arg(items, j + 1)
            elif item[0] == "sup" and sup is None:
                sup, j = self.script_arg(items, j + 1)
            else:
                break
        return sub, sup, j

    def big_operator(self, items, i, name, out, depth):
        sub, sup, j = self.collect_limits(items, i + 1)
        if j >= len(items) and not sub and not sup and name in BARE_OPERATOR_NAMES:
            out.append(BARE_OPERATOR_NAMES[name])  # T_{\max}: a label, not "the maximum of"
            return j
        words = [BIG_OPERATORS[name]]
        if name in LIMIT_OPERATORS:
            if sub:
                self.approaching += 1
                try:
                    words += ["as"] + self.seq(sub, depth + 1)
                finally:
                    self.approaching -= 1
        elif sub and sup:
            words += ["from"] + self.seq(sub, depth + 1) + ["to"] + self.seq(sup, depth + 1)
        elif sub:
            words += ["over"] + self.seq(sub, depth + 1)
        elif sup:
            words += ["to"] + self.seq(sup, depth + 1)
        words.append("of")
        if j < len(items) and items[j][0] == "paren" and not sub and not sup:
            words += self.seq(items[j][2], depth + 1)
            j += 1
        out.extend(words)
        return j

    def function(self, items, i, spoken, out, depth):
        words, j = self.function_words(items, i + 1, spoken, depth)
        out.extend(words)
        return j

    def function_words(self, items, j, spoken, depth):
        sub, sup, j = self.collect_limits(items, j)
        words = [spoken]
        if sup and len(sup) == 2 and sup[0] in _MINUS and sup[1] == ("num", "1"):
            words = ["the inverse", spoken.removeprefix("the ")]
        elif sup:
            words += self.power(sup, depth)
        if sub:
            words += ["base"] + self.seq(sub, depth + 1)
        if j < len(items) and items[j][0] == "paren":
            words += ["of"] + self.seq(items[j][2], depth + 1)
            j += 1
        elif sub or sup or spoken.startswith("the "):
            words.append("of")
        return words, j

    def set_builder(self, inner, depth):
        for k, item in enumerate(inner):
            if item in (("op", "|"), ("op", ":")) or item[:2] in (("mac", "mid"), ("mac", "vert")):
                return (
                    ["the set of"]
                    + self.seq(inner[:k], depth + 1)
                    + ["such that"]
                    + self.seq(inner[k + 1 :], depth + 1)
                )
        return ["the set"] + self.seq(inner, depth + 1)

    # -- environments ------------------------------------------------------------------

    @staticmethod
    def rows(items):
        rows, cells, cell = [], [], []
        for item in items:
            if item[0] == "nl":
                cells.append(cell)
                rows.append(cells)
                cells, cell = [], []
            elif item[0] == "amp":
                cells.append(cell)
                cell = []
            elif not (
                item[0] == "mac"
                and item[1] in ("hline", "toprule", "midrule", "bottomrule", "label", "nonumber")
            ):
                cell.append(item)
        cells.append(cell)
        rows.append(cells)
        return [row for row in rows if any(row)]

    def environment(self, name, items, depth):
        base = name.rstrip("*")
        if base in MATRIX_ENVS:
            return self.matrix(base, items, depth)
        if base in CASES_ENVS:
            return self.cases(items, depth)
        rows = self.rows(items)
        words = []
        for row in rows:
            for cell in row:
                words += self.seq(cell, depth + 1)
            words.append(",")
        return words

    def matrix(self, name, items, depth):
        rows = self.rows(items)
        if name == "array" and rows and rows[0] and rows[0][0] and rows[0][0][0][0] == "grp":
            rows[0][0] = rows[0][0][1:]  # column spec such as {cc}
        cells = [[self.seq(cell, depth + 1) for cell in row] for row in rows]
        height = len(cells)
        width = max((len(row) for row in cells), default=0)
        words = ["the determinant of"] if name in ("vmatrix", "Vmatrix") else []
        if height <= 1 or width <= 1:
            words.append("the vector")
            for row in cells:
                for cell in row:
                    words += cell + [","]
            return words
        words += ["the", cardinal(str(height)), "by", cardinal(str(width)), "matrix"]
        for k, row in enumerate(cells, start=1):
            words += [",", "row", cardinal(str(k)), ":"]
            for cell in row:
                words += cell + [","]
        return words

    def cases(self, items, depth):
        words = []
        for row in self.rows(items):
            value = self.seq(row[0], depth + 1) if row else []
            condition = []
            for cell in row[1:]:
                condition += self.seq(cell, depth + 1)
            words += value
            if condition:
                first = condition[0].split(" ", 1)[0].lower()
                if first not in CONDITION_STARTS:
                    words.append("if")
                words += condition
            words.append(",")
        return words
