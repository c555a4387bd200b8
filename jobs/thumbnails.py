"""A small still of a job's video for the history page, made once on first ask.

Taken from the result (or, before there is one, the speaker video) half a
second in, 160 px wide, and kept next to the job's files.
"""

from pathlib import Path

from . import media, storage
from .models import Job

WIDTH = 160


def thumbnail_name(job: Job) -> str | None:
    """The stored thumbnail of ``job``, made now if needed; None when it has no video yet."""
    source = job.result_video or job.speaker_video
    if not source or not storage.exists(source):
        return None
    name = storage.job_name(job.pk, f"thumb-{Path(source).stem}.jpg")
    if not storage.exists(name):
        with storage.reading(source) as video, storage.writing(name) as out:
            partial = out.with_name(out.name + ".part.jpg")
            media.run_ffmpeg(["-ss", "0.5", "-i", str(video), "-frames:v", "1",
                              "-vf", f"scale={WIDTH}:-2", str(partial)], timeout=30)  # fmt: skip
            partial.rename(out)
    return name
