"""Prepare a machine for the demo: a demo login, local slots, a sample speaker video."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from jobs import media, services
from jobs.models import GpuSlot


class Command(BaseCommand):
    help = "Idempotent: create the demo user, embedded slots and a sample speaker video."

    def handle(self, *args, **opts):
        demo_dir = Path(settings.BASE_DIR) / "var" / "demo"
        demo_dir.mkdir(parents=True, exist_ok=True)
        password = _demo_password(demo_dir / "password")
        users = get_user_model().objects
        user, _ = users.get_or_create(username="demo", defaults={"is_staff": True})
        # Staff so the demo shows the GPU dashboard and the admin; never a superuser:
        # the operators' group gives it the product's models, not the user accounts.
        user.set_password(password)
        user.save()
        user.groups.add(_operators_group())
        if not GpuSlot.objects.exists():
            services.slot_create(name="local-tts", stage="tts", backend="espeak", gpu="cpu")
            services.slot_create(name="local-video", stage="video", backend="dub", gpu="cpu")
            self.stdout.write("Registered embedded slots local-tts (espeak) and local-video (dub).")
        speaker = demo_dir / "speaker.mp4"
        if not speaker.exists():
            media.make_sample_speaker(speaker, seconds=4.0)
        self.stdout.write(f"Demo login: demo / {password}")


def _operators_group() -> Group:
    """Every permission on the product's own models (jobs, slots, events, voices, webhooks,
    lexicons)."""
    group, _ = Group.objects.get_or_create(name=OPERATORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["jobs", "voices", "webhooks", "lexicons"]
        )
    )
    return group


OPERATORS_GROUP = "Operators"


def _demo_password(path: Path) -> str:
    """A random password made once per machine, so none lives in the repository."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()
