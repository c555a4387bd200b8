"""Throughput of normalization.to_speech on a mixed ~1 MB corpus of lecture notes.

    .venv/bin/python bench/normalize.py [--size BYTES] [--seed N]

The corpus is built deterministically: prose paragraphs interleaved with numbers,
money, dates, times, measures, abbreviations, inline and display LaTeX. Formulas are
generated with random coefficients so that the formula cache sees a realistic mix of
repeats and new formulas. The same corpus is also run through two baselines in the
same process so the figure has something to stand against:

* lower+regex: str.lower() and one regex pass that spells out digits (no parsing);
* num2words: every digit run replaced by num2words (cardinal reading only).
"""

import argparse
import logging
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from num2words import num2words  # noqa: E402

from normalization import latex as latex_module  # noqa: E402
from normalization import (
    latex_tree,  # noqa: E402
    to_speech,  # noqa: E402
)

PROSE = [
    "Teachers paste lecture notes into the studio and expect every word to be read clearly.",
    "The students listened carefully while the professor explained the next example.",
    "In this section we look at how the result follows from the previous lemma.",
    "Remember to write down each step, because marks are given for the method.",
    "The experiment was repeated several times to make sure the readings were stable.",
    "A careful reader pauses at the end of a sentence and keeps formulas together.",
]
WRITTEN = [
    "The budget grew to ${a}.{b}M in {year}.",
    "It costs ${a}.{cents} per item.",
    "Meet me at {h}:{mm} on {year}-0{m}-1{d}.",
    "Dr. Smith ran {a} km at {a}.{b} km/h.",
    "About {a}% of the {n} students passed on March {d}, {year}.",
    "Chapter IV covers the {n}th century; see p. {a}.",
    "The temperature was {a}°C at {h}pm.",
    "Call 555-{a3}-{n4} before {h}:{mm} a.m.",
    "We sold {n} copies, i.e. {a}/{d} of the stock.",
    "€{a} or £{b}, e.g. {a} {b}/{d} kg of apples.",
    "Henry VIII reigned in the {c}0s.",
]
LATEX = [
    "The derivative is $\\frac{{d}}{{dx}} x^{{{a}}} = {a}x^{{{b}}}$.",
    "We know $\\sum_{{i=1}}^{{{n}}} i = \\frac{{{n}({n}+1)}}{{2}}$ for all $n$.",
    "$$\\int_0^{{{a}}} x^{b}\\,dx = \\frac{{{a}^{c}}}{{{c}}}$$",
    "Solve $x = \\frac{{-{b} \\pm \\sqrt{{{b}^2 - 4 \\cdot {a} \\cdot {c}}}}}"
    "{{2 \\cdot {a}}}$ now.",
    "Let \\(\\alpha_{a} = {a}.{b}\\) and \\(\\beta \\leq {c}\\).",
    "The limit $\\lim_{{x \\to {a}}} \\frac{{\\sin(x - {a})}}{{x - {a}}} = 1$ is standard.",
    "\\begin{{pmatrix}} {a} & {b} \\\\ {c} & {d} \\end{{pmatrix}} has determinant $|A|$.",
    "Then $P(A \\mid B) = {a}/{c}$ and $\\mathbb{{E}}[X] = {b}$.",
]


def build_corpus(size: int, seed: int) -> str:
    rng = random.Random(seed)
    parts = []
    total = 0
    while total < size:
        kind = rng.random()
        if kind < 0.55:
            piece = rng.choice(PROSE)
        elif kind < 0.85:
            piece = rng.choice(WRITTEN).format(**_values(rng))
        else:
            piece = rng.choice(LATEX).format(**_values(rng))
        parts.append(piece)
        parts.append("\n" if rng.random() < 0.15 else " ")
        total += len(piece) + 1
    return "".join(parts)[:size]


def _values(rng):
    return {
        "a": rng.randint(1, 99),
        "b": rng.randint(1, 9),
        "c": rng.randint(2, 9),
        "d": rng.randint(1, 9),
        "n": rng.randint(10, 999),
        "h": rng.randint(1, 12),
        "mm": f"{rng.randint(0, 59):02d}",
        "m": rng.randint(1, 9),
        "cents": f"{rng.randint(0, 99):02d}",
        "year": rng.randint(1900, 2030),
        "a3": f"{rng.randint(100, 999)}",
        "n4": f"{rng.randint(1000, 9999)}",
        "D": rng.randint(1, 28),
    }


_DIGIT = re.compile(r"[0-9]")
_DIGIT_RUN = re.compile(r"[0-9]+")
_NAMES = "zero one two three four five six seven eight nine".split()


def baseline_lower_regex(text: str) -> str:
    return _DIGIT.sub(lambda m: " " + _NAMES[int(m.group())] + " ", text.lower())


def baseline_num2words(text: str) -> str:
    return _DIGIT_RUN.sub(lambda m: num2words(int(m.group())), text)


def _time(func, text, repeat):
    """Best wall time and best CPU time over `repeat` runs (CPU time is the steadier
    figure on a shared machine; wall time is what a caller waits)."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        func(text)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    corpus = build_corpus(args.size, args.seed)
    lines = corpus.count("\n") + 1
    formulas = corpus.count("$") // 2 + corpus.count("\\(") + corpus.count("\\begin")
    print(
        f"corpus: {len(corpus):,} characters, {lines:,} lines, ~{formulas:,} formulas "
        f"(seed {args.seed})"
    )

    latex_module._read_cached.cache_clear()
    latex_tree._walk.cache_clear()
    cold = _time(to_speech, corpus, 1)
    distinct = latex_module._read_cached.cache_info().misses
    parsed = latex_tree._walk.cache_info().misses
    warm = _time(to_speech, corpus, args.repeat)
    rows = [
        ("to_speech, cold caches (first run)", cold),
        (f"to_speech, warm caches (best of {args.repeat})", warm),
        (
            f"baseline lower+regex (best of {args.repeat})",
            _time(baseline_lower_regex, corpus, args.repeat),
        ),
        (
            f"baseline num2words only (best of {args.repeat})",
            _time(baseline_num2words, corpus, args.repeat),
        ),
    ]
    print(f"{'':48s} {'wall':>22s} {'cpu':>22s}")
    for label, (wall, cpu) in rows:
        print(
            f"{label:48s} {wall:7.3f} s {len(corpus) / wall / 1000:8,.0f} KB/s"
            f" {cpu:7.3f} s {len(corpus) / cpu / 1000:8,.0f} KB/s"
        )
    print(
        f"formulas read on the cold run: {distinct:,} distinct sources (the rest were "
        f"cache hits), parsed by pylatexenc as {parsed:,} distinct shapes"
    )
    spoken = to_speech(corpus)
    leftover = len(re.findall(r"[0-9\\{}^_$]", spoken))
    print(f"output: {len(spoken):,} characters, {leftover} digits or LaTeX residue left")
    return 0


if __name__ == "__main__":
    sys.exit(main())
