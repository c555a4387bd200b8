"""Speaker limits, names made by the product, and text cleaned of terminal control."""

import pytest

from jobs.models import Job
from tests.api.conftest import error
from tests.conftest import ffmpeg
from tests.security.conftest import DOORS, VIDEO_DOORS, nothing_kept
from tests.security.hostile import damaged_media
from voices.models import Voice

pytestmark = pytest.mark.django_db
HOSTILE_NAME = "..%2f..%2fx.mp4%00.php"


@pytest.fixture(scope="session")
def clips(media_dir):
    """Speaker videos at and past the default limits, small enough to make in a second."""
    made = {}
    for name, source, codec in [
        ("ten-hours.mp4", "color=c=gray:s=2x2:r=1:d=36000", "libx264"),
        ("huge.mkv", "color=c=gray:s=8192x8192:r=1:d=1", "mjpeg"),
        ("fast.mp4", "testsrc2=s=64x64:r=240:d=1", "libx264"),
        ("small.mkv", "testsrc2=s=64x64:r=25:d=1", "libx264"),
        ("small.avi", "testsrc2=s=64x64:r=25:d=1", "mpeg4"),
    ]:
        pix = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        ffmpeg("-f", "lavfi", "-i", source, "-c:v", codec, "-pix_fmt", pix, media_dir / name)
        made[name] = (media_dir / name).read_bytes()
    return made


@pytest.mark.parametrize("door", VIDEO_DOORS, ids=lambda d: d.name)
@pytest.mark.parametrize("clip, message", [
    ("ten-hours.mp4", "The speaker video is 10 h 0 min long; the limit is 10 min "
                      "(HEYGEM_MAX_SPEAKER_SECONDS)."),
    ("huge.mkv", "The speaker video is 8192×8192 pixels; the limit is 4096 pixels on its "
                 "longer side (HEYGEM_MAX_SPEAKER_SIDE)."),
    ("fast.mp4", "The speaker video has 240 frames per second; the limit is 60 "
                 "(HEYGEM_MAX_SPEAKER_FPS)."),
])  # fmt: skip
def test_a_speaker_video_past_a_limit_is_refused_naming_the_limit(
    upload_through, media_root, clips, door, clip, message
):
    status, answer = upload_through(door, clips[clip], clip)

    assert status == 400
    assert message in answer
    nothing_kept(media_root)


def test_the_speaker_limits_are_settings(upload_through, media_root, clips, settings):
    settings.HEYGEM = {**settings.HEYGEM, "MAX_SPEAKER_SECONDS": 36000, "MAX_SPEAKER_FPS": 240}
    assert upload_through(VIDEO_DOORS[0], clips["ten-hours.mp4"], "long.mp4")[0] == 201
    assert upload_through(VIDEO_DOORS[0], clips["fast.mp4"], "fast.mp4")[0] == 201


@pytest.mark.parametrize("clip, sent_as, stored", [
    ("small.mkv", "clip.mp4", "speaker.mkv"),
    ("small.avi", "clip.mkv", "speaker.avi"),
])  # fmt: skip
def test_the_stored_suffix_follows_the_probed_format_not_the_name(
    upload_through, clips, clip, sent_as, stored
):
    status, _ = upload_through(VIDEO_DOORS[0], clips[clip], sent_as)

    assert status == 201
    job = Job.objects.get()
    assert job.speaker_video == f"jobs/{job.pk}/{stored}"


def every_name_under(root):
    return [p.name for p in root.rglob("*")]


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_a_hostile_file_name_leaves_no_trace_on_disk(
    upload_through, media_root, sample_video, door
):
    status, _ = upload_through(door, sample_video.read_bytes(), HOSTILE_NAME)

    assert status in (200, 201, 302)
    assert Job.objects.exists() or Voice.objects.exists()
    names = every_name_under(media_root.parent)
    assert not [n for n in names if "php" in n or "%" in n or "x.mp4" in n]
    assert set(every_name_under(media_root)) <= {
        "jobs", "voices", "scratch", "speaker.mp4", "reference.wav",
        *(str(j.pk) for j in Job.objects.all()),
        *(p.name for p in (media_root / "voices").glob("*")),
    }  # fmt: skip


def test_a_voice_recording_whose_sound_cannot_be_decoded_is_a_400(
    upload_through, media_root, sample_video
):
    status, answer = upload_through(DOORS[3], damaged_media(sample_video.read_bytes()), "v.mp4")

    assert status == 400
    assert "could not be decoded" in answer
    nothing_kept(media_root)


def test_a_speaker_video_whose_sound_cannot_be_decoded_speaks_with_the_default_voice(
    upload_through, sample_video
):
    status, _ = upload_through(VIDEO_DOORS[0], damaged_media(sample_video.read_bytes()), "c.mp4")

    assert status == 201
    job = Job.objects.get()
    assert job.voice is None
    assert "could not be decoded" in job.events.get(kind="voice").message


DIRTY = "\x1b[31mRed\x1b[0m alert\x07 rings\x7f twice\x9b1m.\r\nNext\tline \x1b]0;title\x07done."
CLEAN = "Red alert rings twice.\nNext\tline done."


def test_control_characters_and_escape_sequences_are_not_stored_or_spoken(api_as, owner):
    response = api_as(owner).post("/api/v1/jobs/", {"text": DIRTY}, format="json")

    assert response.status_code == 201
    job = Job.objects.get()
    assert job.text == CLEAN
    assert "31" not in job.spoken_text and "thirty" not in job.spoken_text.lower()


def test_the_submit_page_and_the_preview_clean_text_the_same_way(client, owner, api_as):
    client.force_login(owner)
    assert client.post("/jobs/new/", {"text": DIRTY, "priority": 0}).status_code == 302
    assert Job.objects.get().text == CLEAN
    preview = api_as(owner).post("/api/v1/normalize/", {"text": DIRTY}, format="json").json()
    assert "\x1b" not in preview["spoken_text"] and "31" not in preview["spoken_text"]


def test_a_text_of_nothing_but_control_characters_is_refused(api_as, owner, media_root):
    response = api_as(owner).post("/api/v1/jobs/", {"text": "\x1b[2J\x07\x7f"}, format="json")

    assert response.status_code == 400
    assert "must not be blank" in error(response, "text")
    nothing_kept(media_root)


def test_a_voices_name_and_transcript_are_cleaned(api_as, owner, audio_only):
    with audio_only.open("rb") as audio:
        response = api_as(owner).post(
            "/api/v1/voices/",
            {"name": "\x1b[1mNarrator\x1b[0m", "audio": audio, "reference_text": "Hi\x07 there"},
        )

    assert response.status_code == 201
    voice = Voice.objects.get()
    assert (voice.name, voice.reference_text) == ("Narrator", "Hi there")
