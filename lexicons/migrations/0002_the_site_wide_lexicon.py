from django.db import migrations


def create_site_lexicon(apps, schema_editor):
    # The site-wide lexicon exists from the start, so staff can add to it in the admin.
    apps.get_model("lexicons", "Lexicon").objects.get_or_create(owner=None)


class Migration(migrations.Migration):
    dependencies = [("lexicons", "0001_lexicons_entries_and_speech_settings")]

    operations = [migrations.RunPython(create_site_lexicon, migrations.RunPython.noop)]
