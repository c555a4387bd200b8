from django.db import migrations
from django.utils import timezone

SWEEP = "heygem-sweep"


def create_sweep(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=SWEEP,
        defaults={
            "func": "jobs.tasks.sweep",
            "schedule_type": "I",  # every `minutes`; shorter sweeps re-arm themselves
            "minutes": 1,
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )


def delete_sweep(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SWEEP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_initial"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(create_sweep, delete_sweep)]
