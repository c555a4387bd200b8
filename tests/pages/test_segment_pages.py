"""A segmented job's page: its segments, a lane for each on the timeline, subtitles."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.models import Job, JobEvent
from tests.factories import make_job

pytestmark = pytest.mark.django_db


def test_a_segmented_jobs_page_shows_each_segment_and_offers_subtitles(browser_as, owner):
    parent = make_job(owner, status=Job.Status.SEGMENTED)
    Job.objects.filter(pk=parent.pk).update(speech_timing=[["Hello there.", 1.0]])
    start = timezone.now() - timedelta(seconds=30)
    for index in range(3):
        child = make_job(owner, status=Job.Status.RENDERING, parent=parent, segment_index=index,
                         audio_seconds=20.0)  # fmt: skip
        for kind, at in (("tts_started", 1 + index), ("tts_finished", 5 + index),
                         ("video_started", 6 + 5 * index)):  # fmt: skip
            event = JobEvent.objects.create(job=child, kind=kind)
            JobEvent.objects.filter(pk=event.pk).update(at=start + timedelta(seconds=at))

    html = browser_as(owner).get(f"/jobs/{parent.pk}/").content.decode()

    assert "Rendering in segments" in html
    assert html.count("<tr><td>") >= 3 and 'id="segments"' in html
    for number in (1, 2, 3):
        assert f'<span class="util-name lane-label">Segment {number}</span>' in html
    assert f"/api/v1/jobs/{parent.pk}/subtitles.srt" in html
    assert f"/api/v1/jobs/{parent.pk}/subtitles.vtt" in html


def test_the_job_list_shows_a_segmented_job_once(browser_as, owner):
    parent = make_job(owner, status=Job.Status.SEGMENTED, text="The whole lecture.")
    make_job(owner, parent=parent, segment_index=0, text="Its first part only.")
    html = browser_as(owner).get("/jobs/").content.decode()
    assert "The whole lecture." in html and "Its first part only." not in html
