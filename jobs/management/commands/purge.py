"""Purge finished jobs' media past their keeping time (the schedule does it too)."""

import json

from django.core.management.base import BaseCommand

from jobs import services


class Command(BaseCommand):
    help = (
        "Delete the media of finished, unpinned jobs kept longer than their retention "
        "(HEYGEM_RETENTION_DAYS or the owner's own); --dry-run shows what would go."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show, delete nothing.")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print jobs and bytes as JSON."
        )

    def handle(self, *args, dry_run, as_json, **opts):
        purged = services.media_purge(dry_run=dry_run)
        total = sum(size for _, size in purged)
        if as_json:
            rows = [{"job": str(pk), "bytes": size} for pk, size in purged]
            self.stdout.write(json.dumps({"dry_run": dry_run, "jobs": rows, "bytes": total}))
            return
        for pk, size in purged:
            self.stdout.write(f"{pk}\t{size:,} bytes")
        verb = "would free" if dry_run else "freed"
        self.stdout.write(f"{len(purged)} job(s), {verb} {total:,} bytes ({total / 1e6:.1f} MB).")
