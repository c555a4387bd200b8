"""The database cache table (CACHES["default"]), made wherever `migrate` runs.

Throttle counts live there so every process and host shares them; with
CACHE_URL pointing at Redis there is no database cache and nothing is made.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [
        ('jobs', '0006_job_request_fingerprint'),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
