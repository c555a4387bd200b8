from django.db.models import Q, QuerySet

from .models import Voice


def voices_usable_by(user) -> QuerySet[Voice]:
    """Voices ``user`` may speak with: their own saved voices and the built-in ones."""
    return Voice.objects.filter(saved=True).filter(Q(owner=user) | Q(owner__isnull=True))


def voices_visible_to(user) -> QuerySet[Voice]:
    """Voices ``user`` may see and manage; staff see every saved voice."""
    voices = Voice.objects.filter(saved=True).select_related("owner")
    return voices if user.is_staff else voices.filter(Q(owner=user) | Q(owner__isnull=True))


def voice_is_managed_by(voice: Voice, user) -> bool:
    """Built-in voices are changed only by staff; others by their owner (or staff)."""
    return user.is_staff or (voice.owner_id is not None and voice.owner_id == user.pk)
