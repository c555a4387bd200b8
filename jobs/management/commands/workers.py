"""`manage.py workers`: run this box's stage workers (one per slot), webhooks and the sweep."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs.workers import Pool


class Command(BaseCommand):
    help = (
        "Run the workers of this host: a django-q2 cluster sized to the host's enabled slots "
        "(re-sized when they change), one for webhooks and schedules, and the sweep every "
        "HEYGEM_SWEEP_SECONDS. SIGTERM stops it: running stages are handed back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default=settings.HEYGEM["HOST"],
            help="The host whose slots these workers drive (default: HEYGEM_HOST).",
        )  # fmt: skip

    def handle(self, *args, host, **options):
        logging.basicConfig(level=settings.Q_CLUSTER["log_level"],
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")  # fmt: skip
        self.stdout.write(f"Workers for host {host}: stage queue sized to its slots; Ctrl-C stops.")
        Pool(host=host).run()
        self.stdout.write("Workers stopped.")
