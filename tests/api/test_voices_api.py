"""v1 voices: upload from audio or video, list, detail, rename, delete."""

import pytest

from tests.api.conftest import error
from tests.factories import make_voice
from voices.models import Voice

pytestmark = pytest.mark.django_db


def test_a_voice_is_created_from_an_audio_upload(api, owner, audio_only, media_root):
    with audio_only.open("rb") as audio:
        response = api.post("/api/v1/voices/", {"name": "Teacher", "audio": audio})
    assert response.status_code == 201, response.json()
    voice = Voice.objects.get(pk=response.json()["id"])
    assert (voice.owner, voice.name, voice.saved) == (owner, "Teacher", True)
    assert (media_root / voice.audio).is_file() and voice.duration_seconds > 0


def test_a_voice_can_carry_what_its_recording_says(api, audio_only):
    with audio_only.open("rb") as audio:
        response = api.post(
            "/api/v1/voices/",
            {"name": "Teacher", "audio": audio, "reference_text": "  Good   morning, class. "},
        )
    assert response.status_code == 201, response.json()
    assert response.json()["reference_text"] == "Good morning, class."
    assert Voice.objects.get().reference_text == "Good morning, class."


def test_a_voice_is_created_from_the_sound_of_a_video(api, sample_video):
    with sample_video.open("rb") as audio:
        response = api.post("/api/v1/voices/", {"name": "Presenter", "audio": audio})
    assert response.status_code == 201
    assert response.json()["duration_seconds"] > 1


def test_a_video_without_sound_makes_no_voice(api, silent_video, media_root):
    with silent_video.open("rb") as audio:
        response = api.post("/api/v1/voices/", {"name": "Mute", "audio": audio})
    assert response.status_code == 400 and "no audio track" in error(response, "audio")
    assert not Voice.objects.exists()
    assert not list((media_root / "voices").glob("*"))


def test_the_list_shows_my_voices_and_the_built_in_ones(api, owner, outsider):
    for owner_, name in [(owner, "Mine"), (None, "Built-in"), (outsider, "Theirs")]:
        make_voice(owner_, name)
    names = {
        voice["name"]: voice["builtin"] for voice in api.get("/api/v1/voices/").json()["results"]
    }
    assert names == {"Mine": False, "Built-in": True}


def test_a_voice_is_renamed_but_not_to_a_name_in_use(api, owner):
    voice = make_voice(owner, "First")
    make_voice(owner, "Second")
    assert api.patch(f"/api/v1/voices/{voice.pk}/", {"name": "Renamed"}).json()["name"] == "Renamed"
    clash = api.patch(f"/api/v1/voices/{voice.pk}/", {"name": "Second"})
    assert clash.status_code == 400 and "already have" in error(clash, "name")


def test_a_voice_is_deleted(api, owner):
    voice = make_voice(owner)
    assert api.delete(f"/api/v1/voices/{voice.pk}/").status_code == 204
    assert not Voice.objects.exists()


def test_a_built_in_voice_cannot_be_changed_by_a_creator(api):
    voice = make_voice(None, "Built-in")
    assert api.get(f"/api/v1/voices/{voice.pk}/").status_code == 200
    assert api.delete(f"/api/v1/voices/{voice.pk}/").status_code == 403
    assert api.patch(f"/api/v1/voices/{voice.pk}/", {"name": "Mine now"}).status_code == 403


def test_a_voices_audio_can_be_listened_to(api, owner):
    voice = make_voice(owner)
    response = api.get(f"/api/v1/voices/{voice.pk}/audio/")
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
