from django.conf import settings
from django.db import models
from django.db.models import Q

import normalization
from normalization.lexicon import MAX_ALIAS_CHARS, MAX_GRAPHEME_CHARS


class Lexicon(models.Model):
    """A pronunciation lexicon: an owner's (owner set) or the site's (owner NULL, staff).

    ``version`` grows by one with every change to its entries, so a job can record
    exactly which lexicon it was spoken with.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lexicon",
        help_text="Empty: the site-wide lexicon, applied to everyone's text first.",
    )
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One site-wide lexicon: NULL owners count as equal here.
            models.UniqueConstraint(
                fields=["owner"], name="one_lexicon_per_owner", nulls_distinct=False
            ),
        ]

    def __str__(self):
        return "Site-wide lexicon" if self.owner_id is None else f"Lexicon of {self.owner}"

    @property
    def is_site(self) -> bool:
        return self.owner_id is None


class LexiconEntry(models.Model):
    """A word or phrase and how to say it; always matched as whole words."""

    lexicon = models.ForeignKey(Lexicon, on_delete=models.CASCADE, related_name="entries")
    grapheme = models.CharField(
        "word or phrase", max_length=MAX_GRAPHEME_CHARS, help_text="As it is written in the text."
    )
    alias = models.CharField(
        "say it as",
        max_length=MAX_ALIAS_CHARS,
        blank=True,
        help_text="The words to say instead. Empty only for a phoneme-only entry from a PLS file.",
    )
    case_sensitive = models.BooleanField(
        default=False, help_text="Match only exactly as written (e.g. US but not us)."
    )
    phoneme = models.CharField(
        max_length=MAX_ALIAS_CHARS, blank=True, help_text="IPA from a PLS file; kept, not spoken."
    )
    # The grapheme as it is matched: itself when case-sensitive, else lower-cased.
    key = models.CharField(max_length=MAX_GRAPHEME_CHARS, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "id"]
        verbose_name_plural = "lexicon entries"
        constraints = [
            models.UniqueConstraint(
                fields=["lexicon", "key", "case_sensitive"], name="one_entry_per_word"
            ),
            models.CheckConstraint(
                condition=~Q(alias="") | ~Q(phoneme=""), name="entry_says_something"
            ),
        ]

    def __str__(self):
        return f"{self.grapheme} → {self.alias or '/' + self.phoneme + '/'}"

    def as_entry(self) -> normalization.Entry:
        return normalization.Entry(
            self.grapheme, self.alias or None, self.case_sensitive, self.phoneme or None
        )


def entry_key(grapheme: str, case_sensitive: bool) -> str:
    return grapheme if case_sensitive else grapheme.lower()


class SpeechSettings(models.Model):
    """A user's defaults for new jobs."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="speech_settings"
    )
    review_before_render = models.BooleanField(
        default=False,
        help_text="New jobs stop after the speech so you can listen before the video renders.",
    )

    class Meta:
        verbose_name_plural = "speech settings"

    def __str__(self):
        return f"Speech settings of {self.user}"
