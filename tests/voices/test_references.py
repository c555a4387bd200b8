import wave

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import ffmpeg
from voices import services
from voices.models import Voice

pytestmark = pytest.mark.django_db


class Upload:
    def __init__(self, path):
        self.path, self.name = path, path.name

    def chunks(self):
        yield self.path.read_bytes()


def test_silence_around_the_voice_is_trimmed_from_a_reference(owner, tmp_path):
    padded = tmp_path / "padded.wav"
    # 2 s of silence, 4 s of tone, 3 s of silence.
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=24000:cl=mono:d=2", "-f", "lavfi",
           "-i", "sine=frequency=300:duration=4", "-f", "lavfi",
           "-i", "anullsrc=r=24000:cl=mono:d=3", "-filter_complex",
           "[0][1][2]concat=n=3:v=0:a=1", padded)  # fmt: skip

    voice = services.voice_create_from_upload(owner=owner, name="padded", audio=Upload(padded))

    assert voice.duration_seconds == pytest.approx(4.0, abs=0.3)


def test_a_long_recording_is_cut_to_thirty_seconds(owner, tmp_path):
    long = tmp_path / "long.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=50", long)

    voice = services.voice_create_from_upload(owner=owner, name="long", audio=Upload(long))

    assert voice.duration_seconds == pytest.approx(30.0, abs=0.1)


def test_a_recording_with_too_little_voice_is_refused_and_leaves_nothing(
    owner, tmp_path, media_root
):
    short = tmp_path / "short.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=1.5", short)

    with pytest.raises(ValidationError) as err:
        services.voice_create_from_upload(owner=owner, name="short", audio=Upload(short))

    assert "1.5 s of voice; a voice needs at least 3 s" in err.value.message_dict["audio"][0]
    assert Voice.objects.count() == 0
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_references_are_mono_24_khz_wav(owner, audio_only, media_root):
    voice = services.voice_create_from_upload(owner=owner, name="tone", audio=Upload(audio_only))

    with wave.open(str(media_root / voice.audio)) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (1, 24000, 2)
