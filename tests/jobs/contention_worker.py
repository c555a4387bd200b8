"""One of many processes racing to dispatch (run by test_dispatch_contention).

Binds TTS jobs as fast as it can, checks that nobody else holds the slot it was
given, finishes the stage, and prints every binding it made as a JSON line.
"""

import json
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heygem_site.settings")
django.setup()

from django.db import connections, transaction  # noqa: E402

from jobs import services, storage  # noqa: E402
from jobs.models import Job  # noqa: E402
from jobs.services import dispatcher, slots  # noqa: E402


def finish_stage(binding: tuple) -> bool:
    """Finish one bound stage; True if another job held its slot meanwhile."""
    _, job_id, slot_id, fence, _ = binding
    try:
        holders = Job.objects.filter(tts_slot_id=slot_id, status="synthesizing").count()
        time.sleep(random.uniform(0, 0.004))
        services.job_speech_finished(
            job_id=job_id, slot_id=slot_id, fence=fence,
            speech_name=storage.job_name(job_id, "speech.wav"),
            audio_seconds=1.0, engine_seconds=0.0,
        )  # fmt: skip
        return holders != 1
    finally:
        connections.close_all()  # this thread's own connection


def main() -> None:
    bindings = []
    # Record what the dispatcher would enqueue instead of starting real stages,
    # and keep slot releases from dispatching behind this loop's back.
    dispatcher._enqueue = lambda *args, queue: bindings.append(args)
    slots.dispatch_on_commit = lambda: None
    overlaps = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        before = len(bindings)
        with transaction.atomic():
            bound = dispatcher._bind_placed("tts")
        if not bound:
            if not Job.objects.filter(status__in=["queued", "synthesizing"]).exists():
                break
            time.sleep(0.002)
            continue
        # One dispatch may bind several slots: their stages run side by side, as on workers.
        with ThreadPoolExecutor(max_workers=3) as pool:
            overlaps += sum(pool.map(finish_stage, bindings[before:]))
    for _, job_id, slot_id, fence, _ in bindings:
        print(json.dumps({"job": job_id, "slot": slot_id, "fence": fence}))
    print(json.dumps({"overlaps": overlaps}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
