"""python -m normalization: one normalized line on stdout for each line on stdin."""

import sys

from .core import to_speech

# Characters str.splitlines() treats as line breaks; an output line must hold none.
_LINE_BREAKS = str.maketrans({c: " " for c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def main() -> int:
    out = sys.stdout
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", errors="replace")
        if line.endswith("\n"):
            line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
        spoken = to_speech(line).replace("\n", " ").translate(_LINE_BREAKS)
        out.write(spoken + "\n")
        out.flush()  # a TTS pipeline reading our stdout gets each line as soon as it is ready
    return 0


if __name__ == "__main__":
    sys.exit(main())
