"""E-mail addresses, URLs and domain names, read the way people say them:
"help at school dot edu", "https colon slash slash example dot org slash slides".
Digits inside an address are identifiers and are read one by one."""

import re

from .numbers import digits

_TLDS = (
    "com|org|net|edu|gov|mil|int|io|co|uk|us|ca|au|de|fr|it|es|nl|se|no|fi|dk|ch|at|be|ie"
    "|pl|pt|ru|jp|cn|in|br|mx|nz|za|kr|sg|hk|tw|ai|app|dev|info|biz|me|tv|ly|gg|xyz|online"
    "|site|tech|store|blog|news|eu|asia|sm"
)
# Not inside a longer address or word; a stray period with a space before it ("test .b@x.com")
# does not hide the address after it.
WEB = re.compile(
    r"(?<![\w@])(?<![\w@.]\.)(?:"
    r"(?:https?|ftp|file)://[^\s<>\"')\]]*[\w/]"  # a URL with its scheme
    r"|[A-Za-z0-9][\w.+&-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[\w./%?=&#-]*[\w/])?"
    r"|www\.[\w-]+(?:\.[\w-]+)+(?:/[\w./%?=&#-]*[\w/])?"
    r"|[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.(?:" + _TLDS + r")(?![\w])(?:/[\w./%?=&#-]*[\w/])?"
    r")"
)
# Cheap test before the pattern runs at all: most prose has none of these.
HINT = re.compile(r"@|://|www\.|\.(?:" + _TLDS + r")\b")

# A file ending ".jpg" is said "jpeg" (jay-peg), as the format is named.
_PARTS = re.compile(r":///|://|[./@_:&+%?=#~-]|\d+|www(?=\.)|(?<=\.)(?i:jpg)(?!\w)")
_WORDS = {
    ":///": " colon slash slash slash ",
    "://": " colon slash slash ",
    ".": " dot ",
    "/": " slash ",
    "@": " at ",
    "_": " underscore ",
    ":": " colon ",
    "-": " dash ",
    "&": " ampersand ",
    "+": " plus ",
    "%": " percent ",
    "?": " question mark ",
    "=": " equals ",
    "#": " hash ",
    "~": " tilde ",
    "www": " WWW ",
}
_JPEG = " jpeg "


def read_web(text: str) -> str:
    spoken = _PARTS.sub(
        lambda p: (
            " " + digits(p.group()) + " "
            if p.group()[0].isdigit()
            else _WORDS.get(p.group(), _JPEG)
        ),
        text,
    )
    return " ".join(spoken.split())
