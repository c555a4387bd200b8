"""One stage in a process of its own, as a django-q2 worker runs it (tests pause it).

Usage: python stage_worker.py '["video", "<job id>", <slot id>, <fence>, false]'
Prints what ``run_stage`` returned.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heygem_site.settings")
django.setup()

from jobs import stages  # noqa: E402

if __name__ == "__main__":
    stage, job_id, slot_id, fence, resume = json.loads(sys.argv[1])
    print(stages.run_stage(stage, job_id, slot_id, fence, resume), flush=True)
