"""Lexicons in the admin: every change goes through lexicons.services (checks, version)."""

from django import forms
from django.contrib import admin

from . import services
from .models import Lexicon, LexiconEntry, SpeechSettings


class EntryInline(admin.TabularInline):
    model = LexiconEntry
    fields = ("grapheme", "alias", "case_sensitive", "phoneme")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # added through the entry admin, which checks the whole lexicon


@admin.register(Lexicon)
class LexiconAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "version", "entry_count", "updated_at")
    search_fields = ("owner__username",)
    list_select_related = ("owner",)
    readonly_fields = ("owner", "version", "updated_at")
    inlines = [EntryInline]

    @admin.display(description="Entries")
    def entry_count(self, lexicon):
        return lexicon.entries.count()

    def has_add_permission(self, request):
        return False  # made on first use (the site-wide one by migration)

    def has_change_permission(self, request, obj=None):
        return False  # read-only: entries change through their own admin


class EntryAdminForm(forms.ModelForm):
    class Meta:
        model = LexiconEntry
        fields = ("lexicon", "grapheme", "alias", "case_sensitive")

    def clean(self):
        data = super().clean()
        lexicon = data.get("lexicon") or getattr(self.instance, "lexicon", None)
        if lexicon is not None and "grapheme" in data and "alias" in data:
            original = LexiconEntry.objects.filter(pk=self.instance.pk).first()
            services.entry_validate(
                lexicon=lexicon, grapheme=data["grapheme"], alias=data["alias"],
                case_sensitive=data.get("case_sensitive", False), entry=original,
            )  # fmt: skip
        return data


@admin.register(LexiconEntry)
class LexiconEntryAdmin(admin.ModelAdmin):
    form = EntryAdminForm
    list_display = ("grapheme", "alias", "case_sensitive", "lexicon")
    list_filter = ("case_sensitive",)
    search_fields = ("grapheme", "alias", "lexicon__owner__username")
    list_select_related = ("lexicon__owner",)
    readonly_fields = ("phoneme", "created_at")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "lexicon") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {k: data[k] for k in ("grapheme", "alias", "case_sensitive")}
        if change:
            original = LexiconEntry.objects.select_related("lexicon").get(pk=obj.pk)
            saved = services.entry_update(entry=original, **fields)
        else:
            saved = services.entry_create(lexicon=data["lexicon"], **fields)
        obj.pk, obj.key = saved.pk, saved.key

    def delete_model(self, request, obj):
        services.entry_delete(entry=obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset.select_related("lexicon"):
            services.entry_delete(entry=entry)


@admin.register(SpeechSettings)
class SpeechSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "review_before_render")
    list_filter = ("review_before_render",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)

    def save_model(self, request, obj, form, change):
        saved = services.speech_settings_update(
            user=obj.user, review_before_render=obj.review_before_render
        )
        obj.pk = saved.pk
