from django.db import migrations, models
from django.db.models import Q


def measured_slots_rest_on_full_samples(apps, schema_editor):
    # A speed measured before this field existed was smoothed over many stages.
    GpuSlot = apps.get_model("jobs", "GpuSlot")
    measured = Q(seconds_per_audio_second__isnull=False) | Q(seconds_per_char__isnull=False)
    GpuSlot.objects.filter(measured).update(speed_samples=7 / 3)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0018_engine_answer_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="gpuslot",
            name="speed_samples",
            field=models.FloatField(default=0.0),
        ),
        migrations.RunPython(measured_slots_rest_on_full_samples, migrations.RunPython.noop),
    ]
