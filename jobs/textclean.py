"""Text from a person, cleaned of terminal control before it is stored (plain module).

A pasted terminal log or a hostile client can send ESC, BEL, DEL and C1 controls:
stored, they reach admin pages, logs and terminals (``slots list``), and the speech
engine reads what is left of an escape sequence aloud ("\\x1b[31m" became "thirty one
meters"). Escape sequences go whole; every other control character goes on its own;
newlines (any of \\r\\n, \\r, \\n become \\n) and tabs stay.
"""

import re

ESCAPE_SEQUENCE = re.compile(
    r"""
      \x1b\[ [0-?]* [ -/]* [@-~]           # CSI: colours, cursor moves (ESC [ 31 m)
    | \x9b [0-?]* [ -/]* [@-~]             # the same with the 8-bit CSI
    | \x1b\] [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?     # OSC: titles, hyperlinks
    | \x1b[PX^_] [^\x1b\x9c]* (?:\x1b\\|\x9c)?          # DCS, SOS, PM, APC strings
    | \x1b [ -/]* [0-~]                    # two- and three-byte escapes (ESC c, ESC ( B)
    """,
    re.VERBOSE,
)
# Unicode's Cc category is exactly C0, DEL and C1; tab and newline are kept.
CONTROLS = dict.fromkeys(c for c in [*range(0x20), *range(0x7F, 0xA0)] if c not in (0x09, 0x0A))


def clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ESCAPE_SEQUENCE.sub("", text).translate(CONTROLS)
