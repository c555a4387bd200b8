from django.apps import AppConfig


class LexiconsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lexicons"
    verbose_name = "Pronunciation"
