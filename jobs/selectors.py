"""Non-trivial reads of jobs and slots."""

from django.db.models import QuerySet

from .models import Job


def jobs_visible_to(user) -> QuerySet[Job]:
    jobs = Job.objects.select_related("owner", "tts_slot", "video_slot")
    return jobs if user.is_staff else jobs.filter(owner=user)
