"""Errors for input a caller must refuse (a bad lexicon, PLS file or SSML document).

Each says what is wrong and, when there is one, where: `line` and `column` are 1-based
positions in the document, and the message already names them, so it can be shown to a
user as it is.
"""


class InputError(ValueError):
    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        self.message = message
        self.line = line
        self.column = column
        where = ""
        if line is not None:
            where = f" (line {line}" + (f", column {column})" if column is not None else ")")
        super().__init__(message + where)


class LexiconError(InputError):
    """A pronunciation lexicon that cannot be used: too large, looping, or malformed."""


class PLSError(InputError):
    """A file that is not a W3C PLS 1.0 lexicon."""


class SSMLError(InputError):
    """An SSML document that is malformed or uses what we do not support."""
