"""REST input and output shapes for lexicons and speech settings."""

from rest_framework import serializers

import normalization
from heygem_site.api import InputSerializer, StrictCharField
from normalization.lexicon import MAX_ALIAS_CHARS, MAX_GRAPHEME_CHARS
from normalization.pls import MAX_BYTES as PLS_MAX_BYTES


class EntryInput(InputSerializer):
    grapheme = StrictCharField(
        max_length=MAX_GRAPHEME_CHARS, help_text="The word or phrase as written (whole words)."
    )
    alias = StrictCharField(max_length=MAX_ALIAS_CHARS, help_text="How to say it.")
    case_sensitive = serializers.BooleanField(
        required=False, default=False, help_text="Match only exactly as written."
    )


class EntryUpdateInput(EntryInput):
    """Send what changes."""


class EntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    grapheme = serializers.CharField()
    alias = serializers.CharField(help_text="Empty for a phoneme-only entry (never spoken).")
    case_sensitive = serializers.BooleanField()
    phoneme = serializers.CharField(help_text="IPA kept from a PLS file; not spoken.")
    created_at = serializers.DateTimeField()


class LexiconLimitsOutput(serializers.Serializer):
    max_entries = serializers.IntegerField()
    max_total_chars = serializers.IntegerField(help_text="Words and readings together.")
    max_grapheme_chars = serializers.IntegerField()
    max_alias_chars = serializers.IntegerField()
    max_pls_bytes = serializers.IntegerField()


LIMITS = {
    "max_entries": normalization.MAX_ENTRIES,
    "max_total_chars": normalization.MAX_TOTAL_CHARS,
    "max_grapheme_chars": MAX_GRAPHEME_CHARS,
    "max_alias_chars": MAX_ALIAS_CHARS,
    "max_pls_bytes": PLS_MAX_BYTES,
}


class LexiconOutput(serializers.Serializer):
    scope = serializers.ChoiceField(choices=[("own", "yours"), ("site", "site-wide")])
    version = serializers.IntegerField(help_text="Grows with every change; jobs record it.")
    entry_count = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    editable = serializers.BooleanField(help_text="Whether you may change it (site: staff).")
    limits = LexiconLimitsOutput()


class ImportInput(InputSerializer):
    file = serializers.FileField(help_text="A W3C PLS 1.0 file (.pls, XML).")
    replace = serializers.BooleanField(
        required=False, default=False,
        help_text="Drop every entry first; otherwise an imported word replaces its entry.",
    )  # fmt: skip


class ImportOutput(serializers.Serializer):
    imported = serializers.IntegerField()
    lexicon = LexiconOutput()


class SpeechSettingsInput(InputSerializer):
    review_before_render = serializers.BooleanField()


class SpeechSettingsOutput(serializers.Serializer):
    review_before_render = serializers.BooleanField(
        help_text="Your new jobs stop after the speech until you approve it."
    )
