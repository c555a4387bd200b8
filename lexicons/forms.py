from django import forms

from normalization.lexicon import MAX_ALIAS_CHARS, MAX_GRAPHEME_CHARS


class ServiceErrorsMixin:
    def add_service_errors(self, exc) -> None:
        for field, errors in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class EntryForm(ServiceErrorsMixin, forms.Form):
    grapheme = forms.CharField(
        label="Word or phrase", max_length=MAX_GRAPHEME_CHARS,
        widget=forms.TextInput(attrs={"placeholder": "e.g. SQL"}),
    )  # fmt: skip
    alias = forms.CharField(
        label="Say it as", max_length=MAX_ALIAS_CHARS,
        widget=forms.TextInput(attrs={"placeholder": "e.g. sequel"}),
    )  # fmt: skip
    case_sensitive = forms.BooleanField(label="Only exactly as written", required=False)


class ImportForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label="PLS file", widget=forms.FileInput(attrs={"accept": ".pls,.xml,application/pls+xml"}),
        help_text="W3C PLS 1.0, as Azure and Amazon Polly lexicons are written.",
    )  # fmt: skip
    replace = forms.BooleanField(label="Replace every entry", required=False)


class SpeechSettingsForm(forms.Form):
    review_before_render = forms.BooleanField(
        label="Stop new jobs after the speech so I can listen before the video renders",
        required=False,
    )
