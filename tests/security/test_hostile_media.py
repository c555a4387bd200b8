"""Uploads that try to make ffmpeg read other files: refused, nothing stored, nothing opened."""

import subprocess

import pytest

from jobs import media
from tests.security.conftest import DOORS, nothing_kept
from tests.security.hostile import (
    SECRET,
    OpenWatch,
    concat_txt,
    external_reference_mov,
    ffconcat_list,
    hls_playlist,
    write_secret_media,
)

pytestmark = pytest.mark.django_db

PLAYLISTS = {
    "hls": (hls_playlist, "an HLS playlist"),
    "ffconcat": (ffconcat_list, "a concat list"),
    "concat-txt": (concat_txt, "not usable"),
}


def upload_name(door) -> str:
    return "clip.mp4" if door.field == "video" else "voice.wav"


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
@pytest.mark.parametrize("kind", PLAYLISTS)
def test_a_playlist_posing_as_media_is_refused_and_the_file_it_names_is_never_opened(
    upload_through, media_root, tmp_path, door, kind
):
    make, words = PLAYLISTS[kind]
    with OpenWatch(tmp_path / "segment.ts") as watch:
        status, answer = upload_through(door, make(watch.path), upload_name(door))

    assert status == 400
    assert words in answer
    assert watch.opened == 0
    nothing_kept(media_root)


@pytest.mark.parametrize("kind, args", [
    ("hls", []),
    ("ffconcat", ["-safe", "0"]),
    ("concat-txt", ["-f", "concat", "-safe", "0"]),
])  # fmt: skip
def test_without_the_guards_ffprobe_would_open_the_named_file(tmp_path, kind, args):
    """The control: the watch above does see a plain ffprobe following these playlists."""
    listing = tmp_path / "listing"
    with OpenWatch(tmp_path / "segment.ts") as watch:
        listing.write_bytes(PLAYLISTS[kind][0](watch.path))
        subprocess.run(["ffprobe", "-v", "quiet", *args, str(listing)], timeout=30, check=False)
    assert watch.opened > 0


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_a_playlist_of_a_real_secret_file_leaks_nothing_and_probes_with_the_whitelists(
    upload_through, media_root, tmp_path, monkeypatch, door
):
    secret = write_secret_media(tmp_path / "secret.wav")
    calls = []
    real_run = subprocess.run

    def recording_run(args, **kwargs):
        calls.append(args)
        return real_run(args, **kwargs)

    monkeypatch.setattr(media.subprocess, "run", recording_run)
    monkeypatch.setattr(media, "run_command", lambda *a, **kw: pytest.fail("ffmpeg ran"))

    status, answer = upload_through(door, hls_playlist(secret), upload_name(door))

    assert status == 400 and "HLS playlist" in answer
    assert SECRET.decode() not in answer
    nothing_kept(media_root)
    assert calls, "nothing was probed"
    for args in calls:
        assert args[args.index("-protocol_whitelist") + 1] == "file"
        assert args[args.index("-format_whitelist") + 1] == ",".join(media.DEMUXERS)


def test_the_external_reference_fixture_really_points_at_the_other_file(tmp_path):
    """The control: allowed to follow data references, ffmpeg plays the secret file."""
    reference, secret = external_reference_mov(tmp_path)

    def pcm(path, *opts):
        return subprocess.run(["ffmpeg", "-v", "quiet", *opts, "-i", str(path), "-f", "s16le",
                               "-"], capture_output=True, check=False).stdout  # fmt: skip

    assert pcm(reference, "-enable_drefs", "1") == pcm(secret) != b""
    assert pcm(reference) == b""  # ffmpeg's default: the reference is not followed


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_a_quicktime_file_with_external_data_references_is_refused(
    upload_through, media_root, tmp_path, door
):
    reference, _ = external_reference_mov(tmp_path)

    status, answer = upload_through(door, reference.read_bytes(), "clip.mov")

    assert status == 400
    assert "refers to media stored in other files" in answer
    nothing_kept(media_root)


def test_every_input_ffmpeg_reads_is_confined_and_quicktime_references_stay_off():
    args = media.confined_inputs(
        ["-stream_loop", "-1", "-i", "/m/speaker.mp4", "-i", "/m/speech.wav", "-f", "lavfi",
         "-i", "sine", "-i", "/m/upload.partial", "-map", "0:v:0", "out.mp4"]
    )  # fmt: skip
    inputs = [i for i, arg in enumerate(args) if arg == "-i"]
    assert len(inputs) == 4
    for start, end in zip([0, *[i + 2 for i in inputs]], inputs, strict=False):
        own = args[start:end]
        assert own[own.index("-protocol_whitelist") + 1] == "file"
    speaker = args[: inputs[0]]
    assert speaker[-6:] == ["-f", "mov", "-enable_drefs", "0", "-use_absolute_path", "0"]
    assert args[inputs[1] - 2 : inputs[1]] == ["-f", "wav"]
    # A file we did not name is still limited to our demuxers; lavfi keeps its own -f.
    assert "-format_whitelist" in args[inputs[2] + 2 : inputs[3]]
    assert "-format_whitelist" not in args[inputs[1] + 2 : inputs[2]]
