"""One of many processes racing to dispatch (run by test_dispatch_contention).

Binds TTS jobs as fast as it can, checks that nobody else holds the slot it was
given, finishes the stage, and prints every binding it made as a JSON line.
"""

import json
import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heygem_site.settings")
django.setup()

from django.db import transaction  # noqa: E402

from jobs import services, storage  # noqa: E402
from jobs.models import Job  # noqa: E402
from jobs.services import dispatcher, slots  # noqa: E402


def main() -> None:
    bindings = []
    # Record what the dispatcher would enqueue instead of starting real stages,
    # and keep slot releases from dispatching behind this loop's back.
    dispatcher._enqueue = lambda *args, queue: bindings.append(args)
    slots.dispatch_on_commit = lambda: None
    overlaps = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with transaction.atomic():
            bound = dispatcher._bind_one("tts")
        if not bound:
            if not Job.objects.filter(status__in=["queued", "synthesizing"]).exists():
                break
            time.sleep(0.002)
            continue
        _, job_id, slot_id, fence, _ = bindings[-1]
        holders = Job.objects.filter(tts_slot_id=slot_id, status="synthesizing").count()
        overlaps += holders != 1
        time.sleep(random.uniform(0, 0.004))
        services.job_speech_finished(
            job_id=job_id, slot_id=slot_id, fence=fence,
            speech_name=storage.job_name(job_id, "speech.wav"),
            audio_seconds=1.0, engine_seconds=0.0,
        )  # fmt: skip
    for _, job_id, slot_id, fence, _ in bindings:
        print(json.dumps({"job": job_id, "slot": slot_id, "fence": fence}))
    print(json.dumps({"overlaps": overlaps}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
