"""The join of segments with real ffmpeg: continuous sound, a frame-accurate picture."""

import array
import subprocess
import wave

import pytest

from jobs import media
from tests.fakes.media import make_test_video, write_tone_wav

LENGTHS = [1.37, 2.111, 0.93]  # odd lengths: none a whole number of frames


def samples(path) -> array.array:
    with wave.open(str(path), "rb") as wav:
        return array.array("h", wav.readframes(wav.getnframes()))


@pytest.fixture
def rendered_segments(tmp_path):
    """Three segments rendered as the dub engine does, each from its speaker offset."""
    speaker = make_test_video(tmp_path / "speaker.mp4", 2.0)
    wavs, videos, offset = [], [], 0.0
    for index, seconds in enumerate(LENGTHS):
        wav = write_tone_wav(tmp_path / f"{index}.wav", seconds)
        frames, rate = media.wav_frames(wav)
        cut = tmp_path / f"speaker{index}.mp4"
        media.speaker_from(speaker, cut, offset=offset, seconds=frames / rate)
        video = tmp_path / f"{index}.mp4"
        media.run_ffmpeg(["-stream_loop", "-1", "-i", str(cut), "-i", str(wav), "-map", "0:v:0",
                          "-map", "1:a:0", "-t", f"{frames / rate:.3f}", "-c:v", "libx264",
                          "-pix_fmt", "yuv420p", "-c:a", "aac", str(video)])  # fmt: skip
        wavs.append(wav)
        videos.append(video)
        offset += frames / rate
    return wavs, videos


@pytest.mark.parametrize("ahead", [False, True], ids=["encoded-by-the-join", "encoded-ahead"])
def test_the_joined_video_sounds_the_concatenated_speech_to_the_sample(
    tmp_path, rendered_segments, ahead
):
    wavs, videos = rendered_segments
    joined = tmp_path / "speech.wav"
    media.wav_concat(wavs, joined)
    out = tmp_path / "result.mp4"
    lengths = [n / r for n, r in map(media.wav_frames, wavs)]
    aac = tmp_path / "speech.m4a" if ahead else None
    if aac:  # made while the segments rendered; the join copies it
        media.encode_speech(joined, aac)
    media.join_segments(videos, joined, out, segment_seconds=lengths, encoded_audio=aac)

    # Sample-exact: the joined WAV is every segment's samples in order, nothing between.
    parts = array.array("h")
    for wav in wavs:
        parts += samples(wav)
    assert samples(joined) == parts
    # The mp4's sound track lasts exactly those samples (AAC padding trimmed by its edit list).
    track = _stream(out, "a", "duration_ts")
    assert int(track) == len(parts)
    # No gap at a join: the decoded sound is loud in every 10 ms around each join.
    decoded = tmp_path / "decoded.wav"
    media.run_ffmpeg(["-i", str(out), "-vn", "-c:a", "pcm_s16le", str(decoded)])
    sound, rate = samples(decoded), media.wav_frames(decoded)[1]
    at = 0.0
    for seconds in lengths[:-1]:
        at += seconds
        for start in range(int((at - 0.05) * rate), int((at + 0.05) * rate), rate // 100):
            window = sound[start : start + rate // 100]
            assert max(abs(s) for s in window) > 1000, f"silence at {start / rate:.3f} s"


def test_the_joined_picture_has_one_frame_per_frame_time_of_the_whole_speech(
    tmp_path, rendered_segments
):
    wavs, videos = rendered_segments
    joined = tmp_path / "speech.wav"
    media.wav_concat(wavs, joined)
    out = tmp_path / "result.mp4"
    lengths = [n / r for n, r in map(media.wav_frames, wavs)]
    assert media.join_segments(videos, joined, out, segment_seconds=lengths) == "encoded"

    total = sum(lengths)
    assert media.video_frames(out) == round(total * 25)
    assert media.probe(out).duration == pytest.approx(total, abs=0.04)


def test_a_segment_speaker_video_starts_at_its_offset_in_the_loop(tmp_path):
    speaker = make_test_video(tmp_path / "speaker.mp4", 2.0)
    whole, later = tmp_path / "whole.png", tmp_path / "later.png"
    cut = tmp_path / "cut.mp4"
    media.speaker_from(speaker, cut, offset=2.0 * 3 + 0.52, seconds=1.0)  # 3 loops and 0.52 s
    media.run_ffmpeg(["-ss", "0.52", "-i", str(speaker), "-frames:v", "1", str(whole)])
    media.run_ffmpeg(["-i", str(cut), "-frames:v", "1", str(later)])
    assert _mean_abs_difference(whole, later) < 3


def _stream(path, kind: str, entry: str) -> str:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", f"{kind}:0",
                          "-show_entries", f"stream={entry}", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return out.stdout.strip()


def _mean_abs_difference(a, b) -> float:
    def gray(path):
        return subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo",
                               "-pix_fmt", "gray", "-"], capture_output=True,
                              check=True).stdout  # fmt: skip

    x, y = gray(a), gray(b)
    return sum(abs(p - q) for p, q in zip(x, y, strict=True)) / len(x)


def padded_segments(tmp_path, scale: dict[int, str] | None = None):
    """Segments as the stages make them: speech padded to whole frames, each rendered from
    the speaker video; ``scale`` renders some at another size (another engine's settings)."""
    speaker = make_test_video(tmp_path / "speaker.mp4", 2.0)
    wavs, videos = [], []
    for index, seconds in enumerate(LENGTHS):
        wav = write_tone_wav(tmp_path / f"{index}.wav", seconds)
        pause = 0.3 if index < len(LENGTHS) - 1 else 0.0  # the last has nothing after it
        media.wav_pad_to_frames(wav, at_least=pause, fps=25)
        frames, rate = media.wav_frames(wav)
        assert frames % (rate // 25) == 0 and frames / rate >= seconds + pause
        video = tmp_path / f"{index}.mp4"
        size = ["-vf", f"scale={(scale or {})[index]}"] if index in (scale or {}) else []
        media.run_ffmpeg(["-stream_loop", "-1", "-i", str(speaker), "-i", str(wav),
                          "-map", "0:v:0", "-map", "1:a:0", "-t", f"{frames / rate:.3f}", *size,
                          "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                          str(video)])  # fmt: skip
        wavs.append(wav)
        videos.append(video)
    joined = tmp_path / "speech.wav"
    media.wav_concat(wavs, joined)
    return videos, joined, [n / r for n, r in map(media.wav_frames, wavs)]


def test_segments_padded_to_whole_frames_are_joined_by_copying_their_pictures(tmp_path):
    videos, joined, lengths = padded_segments(tmp_path)
    out = tmp_path / "result.mp4"

    assert media.join_segments(videos, joined, out, segment_seconds=lengths) == "copied"
    assert media.video_frames(out) == round(sum(lengths) * 25)
    assert int(_stream(out, "a", "duration_ts")) == media.wav_frames(joined)[0]


def test_segments_whose_streams_differ_are_encoded_into_one_not_copied(tmp_path):
    """A copy of unlike streams makes a file players choke on after the first join; the
    encode brings every segment to the first one's size."""
    videos, joined, lengths = padded_segments(tmp_path, scale={1: "320:240"})
    out = tmp_path / "result.mp4"

    assert media.join_segments(videos, joined, out, segment_seconds=lengths) == "encoded"
    assert media.video_frames(out) == round(sum(lengths) * 25)
    assert (_stream(out, "v", "width"), _stream(out, "v", "height")) == ("160", "120")


def test_a_speech_cut_off_mid_write_is_as_long_as_the_samples_it_holds(tmp_path):
    """A full disk can leave a WAV whose header claims more than the file holds: the job's
    length (its render, its subtitles) goes by what is there."""
    wav = write_tone_wav(tmp_path / "speech.wav", 2.0)
    frames, rate = media.wav_frames(wav)
    with wav.open("r+b") as f:
        f.truncate(f.seek(0, 2) - rate)  # half a second of 16-bit mono gone

    assert media.wav_frames(wav)[0] == frames  # the header still says 2 s
    assert media.wav_seconds(wav) == pytest.approx(1.5, abs=0.001)
    with pytest.raises(media.MediaError):
        media.wav_seconds(make_test_video(tmp_path / "clip.mp4", 1.0))  # not a WAV
