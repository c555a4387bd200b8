"""Where a long script is cut (pure functions: jobs.segmenting, jobs.subtitles)."""

import pytest

from jobs import subtitles
from jobs.segmenting import plan_segments


def words(text: str) -> list[str]:
    return text.split()


def test_a_text_within_one_segment_is_not_cut():
    plan = plan_segments("One short paragraph. It stays whole.", target_chars=100)
    assert plan.texts == ["One short paragraph. It stays whole."]


def test_cuts_fall_between_paragraphs_when_the_paragraphs_fit():
    paragraphs = [f"Paragraph {n} has a sentence. And then another one." for n in "abcdef"]
    plan = plan_segments("\n\n".join(paragraphs), target_chars=120)
    assert all(text.endswith("another one.") for text in plan.texts)
    assert all(len(text) <= 120 for text in plan.texts)
    assert plan.forced_cuts == plan.clause_cuts == 0
    assert words(" ".join(plan.texts)) == words(" ".join(paragraphs))


def test_a_long_paragraph_is_cut_at_sentence_ends_into_even_segments():
    text = " ".join(["Each sentence is about this long."] * 60)  # 2,039 characters
    plan = plan_segments(text, target_chars=520)
    assert len(plan.texts) == 4
    assert all(t.endswith(".") for t in plan.texts)
    sizes = [len(t) for t in plan.texts]
    assert max(sizes) - min(sizes) < 120  # roughly even, not three full and a stub
    assert words(" ".join(plan.texts)) == words(text)


def test_the_count_is_a_multiple_of_the_gpus_so_the_last_round_keeps_all_busy():
    text = " ".join(["Each sentence is about this long."] * 60)
    plan = plan_segments(text, target_chars=520, parallel=3)
    assert len(plan.texts) == 6


def test_one_enormous_sentence_is_cut_between_words_and_the_plan_says_so():
    text = " ".join(["word"] * 1000)  # no pause anywhere
    plan = plan_segments(text, target_chars=900)
    assert len(plan.texts) == 6
    assert plan.forced_cuts == 5
    assert words(" ".join(plan.texts)) == words(text)


def test_a_sentence_too_long_for_a_segment_is_cut_at_a_comma_before_between_words():
    clause = "and then the river bends to the east again, "
    plan = plan_segments((clause * 40).strip() + ".", target_chars=600)
    assert plan.clause_cuts == len(plan.texts) - 1 and plan.forced_cuts == 0
    assert all(t.endswith((",", ".")) for t in plan.texts)


def test_subtitle_cues_follow_the_measured_chunks_and_share_a_chunk_by_characters():
    timing = [["First sentence here. Second one, a bit longer than that.", 4.0],
              ["The next chunk.", 1.5]]  # fmt: skip
    cues = subtitles.cues(timing)
    # A chunk's cues start and end where the chunk's measured speech does.
    assert cues[0].start == 0 and cues[-1].end == pytest.approx(5.5)
    starts = [c.start for c in cues]
    assert pytest.approx(4.0) in starts
    first, second = cues[0], cues[1]
    assert first.text == "First sentence here."
    ratio = (first.end - first.start) / (second.end - second.start)
    assert ratio == pytest.approx(len(first.text) / len("Second one, a bit longer than that."))


def test_srt_and_webvtt_are_well_formed():
    cues = subtitles.cues([["Hello <class> & friends. " + "word " * 20, 3723.5]])
    srt = subtitles.to_srt(cues)
    vtt = subtitles.to_vtt(cues)
    assert srt.startswith("1\n00:00:00,000 --> ")
    assert "01:02:03,500\n" in srt  # hours, minutes, seconds, milliseconds
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> ")
    assert "&lt;class&gt; &amp; friends." in vtt and "<class>" in srt
    assert all(len(line) <= subtitles.LINE_CHARS for line in srt.splitlines())
