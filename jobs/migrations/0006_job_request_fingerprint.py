from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('jobs', '0005_event_kind_choices'),
    ]

    operations = [
        migrations.AddField(
            model_name='job',
            name='request_fingerprint',
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
