"""Parse a LaTeX math span with pylatexenc's walker and flatten the tree into items.

The reader (latex_reader.py) works on a small, uniform item vocabulary instead of
pylatexenc node classes, so that reading rules stay short. Items are tuples:

    ("num", "3.14")          a number
    ("var", "x")             a single letter (or a non-ASCII letter)
    ("op", "+")              an operator or punctuation character
    ("sup",) / ("sub",)      ^ and _ markers; the next item is their argument
    ("mac", name, args)      a macro; args is a list of item lists (None when absent)
    ("grp", items)           a {...} group
    ("env", name, items)     an environment body
    ("amp",) / ("nl",)       & and \\\\ inside environments
    ("words", "alpha")       a letter already spoken (Unicode Greek)
    ("sym", "times")         a Unicode operator already spoken
    ("raw", "if x")          prose from \\text{...}, to be read as running text
"""

import logging
import re
from functools import lru_cache

from pylatexenc import macrospec
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexSpecialsNode,
    LatexWalker,
    get_default_latex_context_db,
)

from .tables import GREEK_CHARS, SYMBOL_CHARS, TEXT_MACROS

log = logging.getLogger(__name__)

# Deeper brace nesting than this is not a formula anyone reads aloud; it is flattened
# before parsing so that neither pylatexenc nor our reader can exhaust the stack.
MAX_BRACE_DEPTH = 40

# Function names typed without a backslash inside math ("sin(x)").
_BARE_FUNCTIONS = "sin|cos|tan|cot|sec|csc|log|ln|exp|lim|max|min|det"

_TOKEN = re.compile(
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
    rf"|(?<![A-Za-z])(?P<fn>{_BARE_FUNCTIONS})(?![A-Za-z])"
    r"|(?P<neq>(?<!\S)!=)"  # "a != b" typed with a space; "n!=" is a factorial
    r"|(?P<var>[^\W\d_])"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.S,
)

_EXTRA_MACROS = [
    ("dfrac", "{{"),
    ("tfrac", "{{"),
    ("cfrac", "{{"),
    ("binom", "{{"),
    ("dbinom", "{{"),
    ("tbinom", "{{"),
    ("boldsymbol", "{"),
    ("bm", "{"),
    ("operatorname", "*{"),
    ("overset", "{{"),
    ("underset", "{{"),
    ("stackrel", "{{"),
    ("pmod", "{"),
    ("widetilde", "{"),
    ("overrightarrow", "{"),
    ("mathring", "{"),
    ("check", "{"),
    ("breve", "{"),
    ("cancel", "{"),
    ("boxed", "{"),
    ("mathscr", "{"),
    ("mathfrak", "{"),
    ("eqref", "{"),
    ("tag", "*{"),
    ("textup", "{"),
    ("textnormal", "{"),
    ("hphantom", "{"),
    ("vphantom", "{"),
    ("phantom", "{"),
    ("pmb", "{"),
    ("citep", "[{"),
    ("citet", "[{"),
    ("ensuremath", "{"),
    ("xleftarrow", "[{"),
]


def _build_context():
    db = get_default_latex_context_db()
    db.add_context_category(
        "heygem-math",
        macros=[macrospec.std_macro(name, spec) for name, spec in _EXTRA_MACROS],
        prepend=True,
    )
    return db


_CONTEXT = _build_context()


def _brace_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch == "{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif ch == "}" and depth:
            depth -= 1
    return deepest


def _prepare(source: str) -> str:
    # An unescaped % starts a LaTeX comment, which would silently swallow the rest of
    # a pasted formula; in pasted notes it nearly always means "percent".
    source = re.sub(r"(?<!\\)%", r"\\%", source)
    if source.count("{") > MAX_BRACE_DEPTH and _brace_depth(source) > MAX_BRACE_DEPTH:
        log.warning("formula nested too deeply; reading it without its braces")
        source = source.replace("{", " ").replace("}", " ")
    return source


def parse(source: str) -> list:
    """Parse a math span into items; prose in \\text{} stays raw for the reader."""
    source = _prepare(source)
    if _DIGIT_OUTSIDE_CHARS.search(source) is None:
        shape = source.translate(_ZERO_DIGITS)
        nodes = _walk(shape)
        if nodes is not None:
            try:
                return _Converter(source, shape).nodes(nodes, 0)
            except _ShapeMismatch:
                pass
    nodes = _walk.__wrapped__(source)  # the rare formula the shape does not stand for
    if nodes is None:
        log.warning("could not parse formula; reading its symbols only")
        return chars_items(re.sub(r"[\\{}]", " ", source))
    return _Converter(source, source).nodes(nodes, 0)


# pylatexenc has no rule that looks at which digit a character is, so formulas that
# differ only in their numbers ("x^{2} + 3x" and "x^{4} + 7x", the common case in
# notes and exercise sheets) have the same tree. The tree is parsed once for the
# formula's shape (every digit written as 0) and its characters are read from the
# formula itself: parsing is most of the cost of a formula not seen before.
_ZERO_DIGITS = str.maketrans("123456789", "000000000")
# Where a digit is a macro's name (\2) or in an environment's name, the tree carries it
# outside character runs; such a formula is parsed as it is.
_DIGIT_OUTSIDE_CHARS = re.compile(r"\\[0-9]|\\(?:begin|end)\s*\{[^}]*[0-9]")


@lru_cache(maxsize=2048)
def _walk(source: str):
    """pylatexenc's nodes for source, or None when it cannot be parsed. The nodes are
    shared between callers and never changed."""
    try:
        nodes, _, _ = LatexWalker(
            source, latex_context=_CONTEXT, tolerant_parsing=True
        ).get_latex_nodes()
    except (RecursionError, Exception):  # noqa: B014 - tolerant parsing can still raise
        return None
    return nodes


class _ShapeMismatch(Exception):
    """A node's characters are not where the shape says: parse the formula itself."""


def chars_items(chars: str) -> list:
    items = []
    for m in _TOKEN.finditer(chars):
        kind = m.lastgroup
        value = m.group()
        if kind == "num":
            items.append(("num", value))
        elif kind == "neq":
            items.append(("sym", "is not equal to"))
        elif kind == "fn":
            items.append(("mac", value, []))
        elif kind == "var":
            if value in GREEK_CHARS:
                items.append(("words", GREEK_CHARS[value]))
            else:
                items.append(("var", value))
        elif kind == "other":
            if value == "^":
                items.append(("sup",))
            elif value == "_":
                items.append(("sub",))
            elif value in SYMBOL_CHARS:
                items.append(("sym", SYMBOL_CHARS[value]))
            else:
                items.append(("op", value))
    return items


class _Converter:
    """Items from nodes parsed from parsed_source (the formula or its shape): characters
    are taken from source at the nodes' positions, so both give the same items."""

    def __init__(self, source, parsed_source):
        self.source = source
        self.parsed = parsed_source
        self.same = parsed_source == source

    def chars(self, node, chars):
        """The formula's own text for chars, which node's source holds at node.pos."""
        if self.same:
            return chars
        start = node.pos
        end = start + len(chars)
        if self.parsed[start:end] != chars:
            raise _ShapeMismatch
        return self.source[start:end]

    def nodes(self, nodes, depth) -> list:
        items = []
        for node in nodes:
            self.node(node, items, depth)
        return items

    def node(self, node, items, depth):
        if node is None:
            return
        if depth > MAX_BRACE_DEPTH:
            return
        if isinstance(node, LatexCharsNode):
            items.extend(chars_items(self.chars(node, node.chars)))
        elif isinstance(node, LatexGroupNode):
            items.append(("grp", self.nodes(node.nodelist, depth + 1)))
        elif isinstance(node, LatexMacroNode):
            self.macro(node, items, depth)
        elif isinstance(node, LatexEnvironmentNode):
            items.append(("env", node.environmentname, self.nodes(node.nodelist, depth + 1)))
        elif isinstance(node, LatexSpecialsNode):
            chars = node.specials_chars
            if chars == "&":
                items.append(("amp",))
            elif chars != "~":
                items.extend(chars_items(self.chars(node, chars)))
        elif isinstance(node, LatexMathNode):
            items.append(("grp", self.nodes(node.nodelist, depth + 1)))
        elif isinstance(node, LatexCommentNode):
            return

    def macro(self, node, items, depth):
        name = node.macroname
        if name == "\\":
            items.append(("nl",))
            return
        argd = node.nodeargd
        argnodes = list(argd.argnlist) if argd is not None and argd.argnlist else []
        if name in TEXT_MACROS and argnodes and argnodes[-1] is not None:
            arg = argnodes[-1]
            raw = _group_text(arg, self.chars(arg, arg.latex_verbatim()))
            items.append(("mac", name, [[("raw", raw)]]))
            return
        args = []
        for arg in argnodes:
            if arg is None:
                args.append(None)
            elif isinstance(arg, LatexGroupNode):
                args.append(self.nodes(arg.nodelist, depth + 1))
            else:
                sub = []
                self.node(arg, sub, depth + 1)
                args.append(sub)
        items.append(("mac", name, args))


def _group_text(node, verbatim) -> str:
    """Raw source of a group's contents (verbatim is the group's), without its delimiters."""
    if isinstance(node, LatexGroupNode) and len(verbatim) >= 2:
        return verbatim[1:-1]
    return verbatim
