"""Score normalization.to_speech on written-form cases it was not tuned on.

    .venv/bin/python bench/normalize_heldout.py [PATH ...] [--private FILE] [--failures N]

PATH is a file or a folder of public English text-normalization cases in one of two
layouts, each scored as its own set (the kind is taken from the file name):

* NeMo: `test_cases_<kind>.txt`, one `written~spoken` pair a line, from
  github.com/NVIDIA/NeMo-text-processing (and the older copy in github.com/NVIDIA/NeMo),
  folder tests/nemo_text_processing/en/data_text_normalization/;
* WeTextProcessing: `<kind>.txt`, one `written => spoken` pair a line, from
  github.com/wenet-e2e/WeTextProcessing, folder tn/english/test/data/ (`white_list.txt`
  counts as whitelist, `normalizer.txt`, whole sentences, as sentence).

They are third-party data and are not in this repository: pass the local copy's path.
The same pair found in two copies of one layout counts once.

Our own private-style set (sentences as teachers and script writers type them) is
always scored too: tests/normalization/private_style_cases.tsv, one `kind<TAB>written<TAB>
spoken` line each.

A case is right when the reading equals the expectation after both are compared the way
the held-out judges compare them: ignoring case, punctuation, hyphens and the word "and".
The script prints the share right per kind and overall for each set. Two more lines per
public set say what the overall figure is made of; neither changes it:

* written forms: where copies of a layout give different readings for one written form
  (NeMo's two copies do, 'one a m' against 'one AM'), at most one of them can be matched;
  the line counts each written form once, right when it matches any copy's reading;
* misses by convention: wrong cases whose only difference is one of the conventions
  docs/normalization.md keeps on purpose (letters spelled with spaces, the plus of a
  country code, zero where a set says oh, a range's dash said "to"), counted per
  convention.
"""

import argparse
import logging
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalization import to_speech  # noqa: E402

PRIVATE = ROOT / "tests" / "normalization" / "private_style_cases.tsv"
_NEMO = re.compile(r"test_cases_(\w+)\.txt$")
# Each layout: its set's title, how a pair is separated, file names standing for a kind.
_LAYOUTS = {
    "nemo": ("public held-out cases, NeMo layout", "~", {}),
    "wetext": (
        "public held-out cases, WeTextProcessing layout",
        " => ",
        {"white_list": "whitelist", "normalizer": "sentence"},
    ),
}
_PUNCTUATION = re.compile(r"[^\w\s]|_")


def comparable(text: str) -> list[str]:
    """Words of a reading with case, punctuation, hyphens and "and" ignored."""
    words = _PUNCTUATION.sub(" ", text.lower().replace("-", " ")).split()
    return [w for w in words if w != "and"]


def read_public(paths):
    """Cases per layout: {layout: [(kind, written, spoken), ...]}, first copy of a pair kept."""
    cases = {layout: {} for layout in _LAYOUTS}
    for path in paths:
        files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        for file in files:
            match = _NEMO.search(file.name)
            layout = "nemo" if match else "wetext"
            _, separator, kinds = _LAYOUTS[layout]
            kind = match.group(1) if match else kinds.get(file.stem, file.stem)
            for line in file.read_text(encoding="utf-8").splitlines():
                written, sep, spoken = line.partition(separator)
                if sep:
                    cases[layout].setdefault((kind, written, spoken), None)
    return {layout: list(found) for layout, found in cases.items() if found}


def read_private(path):
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise SystemExit(f"{path}:{number}: expected kind<TAB>written<TAB>spoken")
        cases.append(tuple(fields))
    return cases


# Each convention we keep on purpose, as a rewrite of a comparable word list under which
# our reading and the set's become equal when that convention is all that differs.
def _same_letters(ours, theirs):
    """'p m e s t' and 'PM EST', 'w w w' and 'WWW': the same words, but for words spelled
    letter by letter on one side and written whole on the other."""
    i = j = 0
    spelled = False
    while i < len(ours) and j < len(theirs):
        if ours[i] == theirs[j]:
            i, j = i + 1, j + 1
            continue
        after = _spell(ours, i, theirs[j])
        if after is not None:
            i, j, spelled = after, j + 1, True
            continue
        after = _spell(theirs, j, ours[i])
        if after is None:
            return False
        i, j, spelled = i + 1, after, True
    return spelled and i == len(ours) and j == len(theirs)


def _spell(words, start, word):
    """Where one-letter words from words[start] spell word out, the index after them."""
    end = start
    for letter in word:
        if end >= len(words) or words[end] != letter:
            return None
        end += 1
    return end if end - start > 1 else None


def _zero_for_oh(words):
    return ["zero" if w in ("oh", "o") else w for w in words]


_CONVENTIONS = {
    "spaced letters": _same_letters,
    "plus of a country code": lambda ours, theirs: ours == ["plus", *theirs],
    "zero for oh": lambda ours, theirs: _zero_for_oh(ours) == _zero_for_oh(theirs),
    "dash said 'to'": lambda ours, theirs: [w for w in ours if w != "to"] == theirs,
}


def _other_conventions(words):
    """Our reading with the plus, the "to" of ranges and zero for oh undone."""
    words = [w for w in words if w != "to"]
    return _zero_for_oh(words[1:] if words[:1] == ["plus"] else words)


def _convention(got, spoken):
    ours, theirs = comparable(got), comparable(spoken)
    for name, same in _CONVENTIONS.items():
        if same(ours, theirs):
            return name
    undone, theirs = _other_conventions(ours), _zero_for_oh(theirs)
    if undone == theirs or _same_letters(undone, theirs):
        return "several of these"
    return None


def score(title, cases, failures, public=True):
    right = defaultdict(int)
    total = defaultdict(int)
    wrong = []
    forms = {}
    for kind, written, spoken in cases:
        got = to_speech(written)
        total[kind] += 1
        ok = comparable(got) == comparable(spoken)
        forms[(kind, written)] = forms.get((kind, written), False) or ok
        if ok:
            right[kind] += 1
        else:
            wrong.append((kind, written, spoken, got))
    print(f"\n{title}: {len(cases)} cases")
    for kind in sorted(total):
        print(_row(kind, right[kind], total[kind]))
    if total:
        print(_row("overall", sum(right.values()), sum(total.values())))
    if public and total:
        print(_row("written forms", sum(forms.values()), len(forms)) + "  (any copy's reading)")
        kept = defaultdict(int)
        for _, _, spoken, got in wrong:
            kept[_convention(got, spoken) or "other"] += 1
        print("  misses by convention: " + ", ".join(f"{n} {c}" for c, n in sorted(kept.items())))
    for kind, written, spoken, got in wrong[:failures]:
        why = _convention(got, spoken) or "other"
        print(f"    [{kind}, {why}] {written!r}")
        print(f"        expected {spoken!r}\n        got      {got!r}")


def _row(label, right, total):
    return f"  {label:14s} {right:4d} / {total:<4d} {100 * right / total:6.1f} %"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "paths", nargs="*", type=Path, help="public case files or folders (NeMo or WeText layout)"
    )
    parser.add_argument("--private", type=Path, default=PRIVATE)
    parser.add_argument("--failures", type=int, default=0, help="print up to N wrong cases per set")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    for layout, cases in read_public(args.paths).items():
        score(_LAYOUTS[layout][0], cases, args.failures)
    score("private-style sentences", read_private(args.private), args.failures, public=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
