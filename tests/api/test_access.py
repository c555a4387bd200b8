"""Who may see what: owners, outsiders, staff, strangers; and how often."""

import pytest

from jobs.models import Job
from tests.factories import make_job, make_slot, make_voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_job(owner):
    return make_job(owner, status=Job.Status.FAILED, with_files=True)


def job_urls(job):
    return [
        f"/api/v1/jobs/{job.pk}/",
        f"/api/v1/jobs/{job.pk}/speech/",
        f"/api/status/{job.pk}",
        f"/api/download/{job.pk}",
    ]


def test_an_outsider_gets_404_for_another_users_job_and_its_files(api_as, outsider, their_job):
    api = api_as(outsider)
    for url in job_urls(their_job):
        assert api.get(url).status_code == 404, url
    assert api.post(f"/api/v1/jobs/{their_job.pk}/cancel/").status_code == 404
    assert api.post(f"/api/v1/jobs/{their_job.pk}/retry/").status_code == 404
    their_job.refresh_from_db()
    assert their_job.status == Job.Status.FAILED


def test_an_outsider_gets_404_for_another_users_result(api_as, owner, outsider):
    job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
    assert api_as(outsider).get(f"/api/v1/jobs/{job.pk}/result/").status_code == 404
    assert api_as(owner).get(f"/api/v1/jobs/{job.pk}/result/").status_code == 200


def test_an_outsider_never_sees_another_users_jobs_in_lists(api_as, owner, outsider):
    make_job(owner, text="Owner's secret lesson")
    assert api_as(outsider).get("/api/v1/jobs/").json()["count"] == 0


def test_an_outsider_gets_404_for_another_users_voice(api_as, owner, outsider):
    voice = make_voice(owner, "Mine")
    api = api_as(outsider)
    assert api.get(f"/api/v1/voices/{voice.pk}/").status_code == 404
    assert api.get(f"/api/v1/voices/{voice.pk}/audio/").status_code == 404
    assert api.patch(f"/api/v1/voices/{voice.pk}/", {"name": "Stolen"}).status_code == 404
    assert api.delete(f"/api/v1/voices/{voice.pk}/").status_code == 404
    assert api.get("/api/v1/voices/").json()["count"] == 0


def test_staff_see_every_job(api_as, operator, owner, outsider):
    make_job(owner)
    make_job(outsider)
    assert api_as(operator).get("/api/v1/jobs/").json()["count"] == 2


def test_every_endpoint_requires_authentication(api_as, owner):
    job = make_job(owner)
    stranger = api_as(None)
    urls = [
        *job_urls(job),
        "/api/v1/jobs/",
        "/api/v1/voices/",
        "/api/v1/queue/",
        "/api/v1/slots/",
        "/api/queue",
        "/api/info",
    ]
    for url in urls:
        assert stranger.get(url).status_code == 401, url
    assert stranger.post("/api/generate", {"text": "Hi"}).status_code == 401
    assert stranger.post("/api/v1/jobs/", {"text": "Hi"}).status_code == 401
    assert not Job.objects.exclude(pk=job.pk).exists()


def test_a_wrong_token_is_refused(api_as):
    stranger = api_as(None)
    stranger.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert stranger.get("/api/v1/jobs/").status_code == 401


def test_slots_are_for_staff_only(api_as, owner, operator):
    slot = make_slot("gpu0-video", gpu="gpu0")
    assert api_as(owner).get("/api/v1/slots/").status_code == 403
    assert api_as(owner).post(f"/api/v1/slots/{slot.pk}/drain/").status_code == 403
    assert api_as(operator).get("/api/v1/slots/").status_code == 200


def test_requests_over_the_users_rate_are_throttled(api, throttle_rates):
    throttle_rates["user"] = "3/min"
    assert [api.get("/api/v1/jobs/").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_the_rate_is_counted_per_user(api_as, owner, outsider, throttle_rates):
    throttle_rates["user"] = "2/min"
    for _ in range(2):
        api_as(owner).get("/api/v1/queue/")
    assert api_as(owner).get("/api/v1/queue/").status_code == 429
    assert api_as(outsider).get("/api/v1/queue/").status_code == 200


def test_submissions_have_their_own_tighter_rate(api, throttle_rates):
    throttle_rates["submit"] = "2/min"
    statuses = [
        api.post("/api/v1/jobs/", {"text": "Hi"}, format="json").status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert api.get("/api/v1/jobs/").status_code == 200
    throttled = api.post("/api/generate", {"text": "Hi"})
    assert throttled.status_code == 429 and throttled.json()["success"] is False


def test_a_deleted_token_stops_working_once_the_token_cache_lapses(api_as, owner, settings):
    import time

    from rest_framework.authtoken.models import Token

    settings.HEYGEM = {**settings.HEYGEM, "API_TOKEN_CACHE_SECONDS": 0.3}
    api = api_as(owner)
    assert api.get("/api/v1/queue/").status_code == 200
    Token.objects.filter(user=owner).delete()
    time.sleep(0.4)
    assert api.get("/api/v1/queue/").status_code == 401


def test_without_the_token_cache_a_deleted_token_is_refused_at_once(api_as, owner, settings):
    from rest_framework.authtoken.models import Token

    settings.HEYGEM = {**settings.HEYGEM, "API_TOKEN_CACHE_SECONDS": 0}
    api = api_as(owner)
    assert api.get("/api/v1/queue/").status_code == 200
    Token.objects.filter(user=owner).delete()
    assert api.get("/api/v1/queue/").status_code == 401
